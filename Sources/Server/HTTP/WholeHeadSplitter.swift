import Glibc

/// Splits the header lines of a request head that http_parser has just accepted whole (it called
/// on_headers_complete), so the decoder needs no on_header_field/on_header_value callback per header
/// (14 calls into Swift on a heartbeat, ~1,000 instructions; bench/RESULTS.md).
///
/// The parser validated every byte already; what is left is to find the lines again. Only the plain shape is
/// split here: each header line `name ":" [SP/HT]* value (CRLF | LF)`, the head ending at the first line that
/// starts with CR or LF. Anything else returns nil and the decoder parses the same bytes again with the header
/// callbacks (the reference behaviour): a folded line (obs-fold, a line starting with SP or HT), a CR before the
/// value that the non-strict parser lets any byte follow, and a head larger than the header limit in raw bytes
/// (the limit counts the URL, names and values only, so below it in raw bytes the count cannot be over it).
/// What the callbacks give, and so what this gives: the value without its leading spaces and tabs but with its
/// trailing ones (http_parser reports them).
enum WholeHeadSplitter {
    private static let cr: UInt8 = 13, lf: UInt8 = 10, space: UInt8 = 32, tab: UInt8 = 9, colon: UInt8 = 58
    /// Headers gathered on the stack before they go into the array in one append (more simply take more rounds).
    private static let batch = 24

    /// Appends each header's name and value as ranges from `origin` (where the copied head will start: the URL) to
    /// `headers`, reading from `urlEnd` up to `end` (the input's end; the head ends before it). Returns the length
    /// of the head to copy from `origin` (up to the end of the last header line), or nil for a head of another shape
    /// (then `headers` may hold some of its lines: the caller empties it).
    static func split(origin: UnsafePointer<UInt8>, urlEnd: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>,
                      limit: Int, into headers: inout HeaderFields) -> Int? {
        // The request line ends at the first LF after the URL (its rest is ` HTTP/x.y` and CR, or nothing).
        guard var line = find(lf, from: urlEnd, to: end) else { return nil }
        line += 1
        return withUnsafeTemporaryAllocation(of: HeaderFields.Field.self, capacity: batch) { gathered in
            var count = 0
            var lengths: UInt64 = 0
            while line < end {
                let first = line.pointee
                // After a line end the parser allowed only a name's first byte (a token byte, above 32), the end of
                // the head (CR or LF), or a folded line (SP or HT).
                if first <= space {
                    guard first == cr || first == lf else { return nil }
                    headers.append(contentsOf: UnsafeBufferPointer(rebasing: gathered[0..<count]), nameLengths: lengths)
                    let length = line - origin
                    return length <= limit ? length : nil
                }
                guard let lineEnd = find(lf, from: line, to: end), let nameEnd = find(colon, from: line, to: lineEnd)
                else { return nil }
                var value = nameEnd + 1
                while value.pointee == space || value.pointee == tab { value += 1 }  // stops at the LF at the latest
                // Inside a value the parser lets a CR be followed only by LF: a CR there is the line's own. When the
                // value is empty, the byte before the LF is a space, a tab or the colon, so this leaves valueEnd there.
                let valueEnd = (lineEnd - 1).pointee == cr ? lineEnd - 1 : lineEnd
                // A CR met while skipping the leading whitespace must end the line (else: the lenient case).
                if value.pointee == cr && value != valueEnd { return nil }
                if count == batch {
                    headers.append(contentsOf: UnsafeBufferPointer(gathered), nameLengths: lengths)
                    count = 0
                }
                (gathered.baseAddress! + count).initialize(to: (
                    name: Range(uncheckedBounds: (line - origin, nameEnd - origin)),
                    value: Range(uncheckedBounds: (value - origin, valueEnd - origin))))
                lengths |= HeaderFields.lengthBit(nameEnd - line)
                count &+= 1
                line = lineEnd + 1
            }
            return nil  // the head's end is not in this input (on_headers_complete says it is)
        }
    }

    @inline(__always)
    private static func find(_ byte: UInt8, from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>)
        -> UnsafePointer<UInt8>? {
        guard start < end, let found = memchr(start, Int32(byte), end - start) else { return nil }
        return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
    }
}
