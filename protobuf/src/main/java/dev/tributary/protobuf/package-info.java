package dev.tributary.protobuf;
