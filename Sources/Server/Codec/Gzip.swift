import CZlib

/// gzip with zlib: the only file importing CZlib.
enum Gzip {
    /// A gzip member of `input`; nil only if zlib fails. The output buffer starts at `initialCapacity` (a
    /// previous compression's size) or an eighth of the input (registry documents compress ~30:1), and doubles
    /// only when deflate fills it: sizing it to `deflateBound` (the input's size) doubled a large build's peak.
    static func compress(_ input: [UInt8], level: Int32 = 6, initialCapacity: Int? = nil) -> [UInt8]? {
        var stream = z_stream()
        // windowBits 15 + 16 selects the gzip wrapper.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count))) + 32
        var output = [UInt8](repeating: 0, count: min(bound, max(initialCapacity ?? input.count / 8, 4096)))
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = UInt32(inBuffer.count)
            while status == Z_OK {
                let written = Int(stream.total_out)
                if written == output.count { output.append(contentsOf: repeatElement(0, count: min(output.count, bound))) }
                status = output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress! + written
                    stream.avail_out = UInt32(outBuffer.count - written)
                    return deflate(&stream, Z_FINISH)
                }
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
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
