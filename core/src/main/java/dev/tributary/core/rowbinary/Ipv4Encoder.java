package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** {@code IPv4}: a UInt32, from dotted text, an {@link Inet4Address}, a number or 4 bytes in network order. */
final class Ipv4Encoder extends BaseEncoder {

    private static final String EXPECTED = "IPv4 text, an Inet4Address, a number or 4 bytes";
    private static final String RANGE = "0..4294967295";

    Ipv4Encoder(ClickHouseType type) {
        super(type, new byte[4]);
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        int address;
        if (value instanceof CharSequence text) {
            long parsed = IpLiterals.parseIpv4(text, 0, text.length());
            if (parsed < 0) {
                throw fail(value, "is not an IPv4 address");
            }
            address = (int) parsed;
        } else if (value instanceof Inet4Address inet) {
            address = ByteBuffer.wrap(inet.getAddress()).getInt();
        } else if (value instanceof InetAddress) {
            throw fail(value, "is an IPv6 address");
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            ByteBuffer bytes = Bytes.asBuffer(value);
            if (bytes.remaining() != 4) {
                throw fail(value, "is not 4 bytes long");
            }
            address = Bytes.bigEndianInt(bytes, bytes.position());
        } else if (value instanceof Number) {
            long number = Integral.toLong(value, this, RANGE);
            if (number < 0 || number > 0xFFFFFFFFL) {
                throw fail(value, "is out of range", RANGE);
            }
            address = (int) number;
        } else {
            throw notAccepted(value, EXPECTED);
        }
        out.writeIntLE(address);
    }
}
