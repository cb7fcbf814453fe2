import CZlib

/// gzip with zlib: the only file importing CZlib.
enum Gzip {
    /// A gzip member of `input`; nil only if zlib fails.
    static func compress(_ input: [UInt8], level: Int32 = 6, initialCapacity: Int? = nil) -> [UInt8]? {
        input.withUnsafeBufferPointer { bytes in
            guard let output = compressed(bytes, level: level, initialCapacity: initialCapacity) else { return nil }
            return Array(output.bytes)
        }
    }

    /// A gzip member of `input` in a GrowableBytes (the cache keeps it where deflate wrote it); nil only if zlib
    /// fails. The output starts at `initialCapacity` (a previous compression's size) or an eighth of the input
    /// (registry documents compress ~30:1) and grows by `realloc` only when deflate fills it. Capacity is never
    /// touched before deflate writes it, so even a generous start costs no memory; still, `deflateBound` (the
    /// input's size) would reserve 160 MB of address space for a 4 MB result.
    static func compressed(_ input: UnsafeBufferPointer<UInt8>, level: Int32 = 6,
                           initialCapacity: Int? = nil) -> GrowableBytes? {
        var stream = z_stream()
        // windowBits 15 + 16 selects the gzip wrapper.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count))) + 32
        var output = GrowableBytes(capacity: min(bound, max(initialCapacity ?? input.count / 8, 4096)))
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(input.count)
        var status: Int32 = Z_OK
        while status == Z_OK {
            // Z_FINISH with room left always makes progress: Z_OK means the output filled, so it grows.
            output.appendInPlace(minimum: 4096) { free in
                stream.next_out = free.baseAddress
                stream.avail_out = UInt32(min(free.count, Int(UInt32.max)))
                let room = stream.avail_out
                status = deflate(&stream, Z_FINISH)
                return Int(room - stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return output
    }

    enum Inflated: Equatable {
        case bytes([UInt8])
        /// Valid so far but larger than the limit once inflated (a 413, not a 400).
        case tooLarge
        case invalid
    }

    /// Inflates a gzip (or zlib) body; nil when it is not valid or inflates past `limit` bytes.
    static func decompress(_ input: [UInt8], limit: Int) -> [UInt8]? {
        if case .bytes(let bytes) = inflate(input, limit: limit) { return bytes }
        return nil
    }

    /// Inflates a gzip (or zlib) body, stopping as soon as it grows past `limit` bytes.
    static func inflate(_ input: [UInt8], limit: Int) -> Inflated {
        var stream = z_stream()
        // windowBits 15 + 32: detect gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 47, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return .invalid }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var overLimit = false
        input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = UInt32(inBuffer.count)
            while status == Z_OK {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return outBuffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[..<produced])
                if output.count > limit { overLimit = true; break }
                if produced == 0 && stream.avail_in == 0 && status == Z_OK { status = Z_BUF_ERROR }
            }
        }
        if overLimit { return .tooLarge }
        return status == Z_STREAM_END ? .bytes(output) : .invalid
    }
}
