/// The change stream's bytes on the wire: server-sent events (`event:`, `id:`, `data:` lines, a blank line) inside
/// HTTP/1.1 chunks, since the response has no length. Each event is one chunk, so a client's chunk boundaries
/// are event boundaries.
enum StreamFraming {
    static let head: StaticString =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"

    /// A comment line proxies see as traffic; clients ignore it.
    static let keepAlive: [UInt8] = chunk(Array(": keep-alive\n\n".utf8))

    /// The last chunk: the stream ended cleanly (node stopping).
    static let end: StaticString = "0\r\n\r\n"

    /// One whole event as one chunk: `data` must hold no line break (JSON from our encoders never does).
    static func event(_ name: StaticString, id: UInt64, data: [UInt8]) -> [UInt8] {
        let opening = eventOpening(name, id: id)
        return chunkPrefix(opening.count + data.count + eventClosing.count) + opening + data + eventClosing + crlf
    }

    /// What precedes and follows `dataLength` bytes of data sent apart (a large snapshot by reference): the
    /// chunk size line and the event's first lines, then the event's end and the chunk's.
    static func eventAround(_ name: StaticString, id: UInt64, dataLength: Int) -> (before: [UInt8], after: [UInt8]) {
        let opening = eventOpening(name, id: id)
        return (chunkPrefix(opening.count + dataLength + eventClosing.count) + opening, eventClosing + crlf)
    }

    private static func eventOpening(_ name: StaticString, id: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48)
        out.append(contentsOf: "event: ".utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: "\nid: \(id)\ndata: ".utf8)
        return out
    }

    private static let eventClosing: [UInt8] = Array("\n\n".utf8)
    private static let crlf: [UInt8] = [13, 10]

    private static func chunk(_ payload: [UInt8]) -> [UInt8] { chunkPrefix(payload.count) + payload + crlf }

    private static func chunkPrefix(_ length: Int) -> [UInt8] { Array(String(length, radix: 16).utf8) + crlf }
}
