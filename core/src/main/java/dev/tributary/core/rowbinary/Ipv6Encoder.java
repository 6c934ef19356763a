package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * {@code IPv6}: 16 bytes in network order, from IPv6 text, an {@link InetAddress} or 16 bytes.
 * IPv4 addresses (text, {@link Inet4Address} or 4 bytes) become {@code ::ffff:a.b.c.d}, as
 * ClickHouse maps them.
 */
final class Ipv6Encoder extends BaseEncoder {

    private static final String EXPECTED = "IPv6 or IPv4 text, an InetAddress, or 16 or 4 bytes";

    Ipv6Encoder(ClickHouseType type) {
        super(type, new byte[16]);
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value instanceof CharSequence text) {
            byte[] address = IpLiterals.parseIpv6(text);
            if (address == null) {
                throw fail(value, "is not an IPv6 address");
            }
            out.writeBytes(address);
        } else if (value instanceof InetAddress inet) {
            byte[] address = inet.getAddress();
            out.writeBytes(inet instanceof Inet4Address ? IpLiterals.mapped(ByteBuffer.wrap(address).getInt()) : address);
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            ByteBuffer bytes = Bytes.asBuffer(value);
            int length = bytes.remaining();
            if (length == 16) {
                out.writeBytes(bytes);
            } else if (length == 4) {
                out.writeBytes(IpLiterals.mapped(Bytes.bigEndianInt(bytes, bytes.position())));
            } else {
                throw fail(value, "is not 16 (or 4) bytes long");
            }
        } else {
            throw notAccepted(value, EXPECTED);
        }
    }
}
