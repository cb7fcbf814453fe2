import CZlib

/// zlib's CRC-32 of a snapshot body (docs/warm-restart.md): the second file importing CZlib, beside Codec/Gzip.swift.
enum SnapshotChecksum {
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            // zlib takes a uInt length: feed a very large body in pieces rather than truncate the count.
            var crc = CZlib.crc32(0, nil, 0)
            var offset = 0
            while offset < buffer.count {
                let piece = min(buffer.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, buffer.baseAddress! + offset, UInt32(piece))
                offset += piece
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
