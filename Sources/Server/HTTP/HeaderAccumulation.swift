/// Where a decoder stands among http_parser's header callbacks within one message. http_parser hands a
/// name or a value over in as many pieces as the input arrived in and never says where a header ends, so
/// the previous callback decides: a name after a value starts the next header, a name after a name is
/// the same name continued, and a value after a value the same value continued. Shared by the request
/// and response decoders; both record ranges of their `head` bytes, where the pieces of one token are
/// contiguous. The request decoder uses only the states: it holds the header being received aside and
/// appends it once (the heartbeat path, see RequestDecoder.appendHeaderField).
enum HeaderAccumulation {
    /// No header callback yet in this message.
    case noHeader
    /// The last callback was a piece of a header name; its value has not begun.
    case inName
    /// The last callback was a piece of a header value.
    case inValue

    /// A piece of a header name at `range`.
    @inline(__always)
    mutating func addName(_ range: Range<Int>, to headers: inout HeaderFields) {
        if self == .inName {
            headers.extendLastName(to: range.upperBound)
        } else {
            // An empty value is never reported, so each header starts with one at the name's end.
            headers.append(name: range, value: range.upperBound..<range.upperBound)
        }
        self = .inName
    }

    /// A piece of a header value at `range`; false when no name came before it (malformed).
    @inline(__always)
    mutating func addValue(_ range: Range<Int>, to headers: inout HeaderFields) -> Bool {
        // An if-chain, not a switch: measured with callgrind on the request decoder, the three-way switch
        // cost ~2 instructions more per value callback (the heartbeat path has one per header).
        if self == .inValue {
            headers.extendLastValue(to: range.upperBound)
        } else if self == .inName {
            headers.setLastValue(range)
        } else {
            return false
        }
        self = .inValue
        return true
    }
}
