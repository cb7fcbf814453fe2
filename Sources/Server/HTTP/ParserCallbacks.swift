import CHTTPParser

// The callback tables, two for requests and one for responses, each immutable once built. A global C pointer is not
// Sendable; this is where the project needs nonisolated(unsafe), and nowhere else.

/// Every request parser (RequestDecoder).
nonisolated(unsafe) let requestParserCallbacks: UnsafeMutablePointer<http_parser_settings> = {
    let table = UnsafeMutablePointer<http_parser_settings>.allocate(capacity: 1)
    http_parser_settings_init(table)
    // `_withUnsafeGuaranteedRef` calls into the decoder without a retain/release pair per callback (15 a heartbeat).
    table.pointee.on_message_begin = { p in withDecoder(p) { $0.messageBegin() } }
    table.pointee.on_url = { p, at, n in withDecoder(p) { $0.appendURL(at, n) } }
    table.pointee.on_header_field = { p, at, n in withDecoder(p) { $0.appendHeaderField(at, n) } }
    table.pointee.on_header_value = { p, at, n in withDecoder(p) { $0.appendHeaderValue(at, n) } }
    table.pointee.on_headers_complete = { p in withDecoder(p) { $0.headersComplete() } }
    table.pointee.on_body = { p, at, n in withDecoder(p) { $0.appendBody(at, n) } }
    table.pointee.on_message_complete = { p in withDecoder(p) { $0.messageComplete() } }  // pauses the parser
    return table
}()

/// Request parsers for a head that may be whole in one input: no callback per header name and value; the lines are
/// split from the head at on_headers_complete (RequestDecoder.wholeHeadComplete).
nonisolated(unsafe) let requestParserWholeHeadCallbacks: UnsafeMutablePointer<http_parser_settings> = {
    let table = UnsafeMutablePointer<http_parser_settings>.allocate(capacity: 1)
    http_parser_settings_init(table)
    table.pointee.on_message_begin = { p in withDecoder(p) { $0.messageBegin() } }
    table.pointee.on_url = { p, at, n in withDecoder(p) { $0.appendURL(at, n) } }
    table.pointee.on_headers_complete = { p in withDecoder(p) { $0.wholeHeadComplete() } }
    table.pointee.on_body = { p, at, n in withDecoder(p) { $0.appendBody(at, n) } }
    table.pointee.on_message_complete = { p in withDecoder(p) { $0.messageComplete() } }  // pauses the parser
    return table
}()

/// Every response parser (ResponseDecoder, peers' replies). No on_status: the reason phrase is not kept.
nonisolated(unsafe) let responseParserCallbacks: UnsafeMutablePointer<http_parser_settings> = {
    let table = UnsafeMutablePointer<http_parser_settings>.allocate(capacity: 1)
    http_parser_settings_init(table)
    table.pointee.on_message_begin = { p in withResponseDecoder(p) { $0.messageBegin() } }
    table.pointee.on_header_field = { p, at, n in withResponseDecoder(p) { $0.appendHeaderField(at, n) } }
    table.pointee.on_header_value = { p, at, n in withResponseDecoder(p) { $0.appendHeaderValue(at, n) } }
    table.pointee.on_headers_complete = { p in withResponseDecoder(p) { $0.headersComplete() } }
    table.pointee.on_body = { p, at, n in withResponseDecoder(p) { $0.appendBody(at, n) } }
    table.pointee.on_message_complete = { p in withResponseDecoder(p) { $0.messageComplete() } }  // pauses the parser
    return table
}()

/// The parser never outlives its decoder, so the unretained reference is safe; the decoder is borrowed, not retained.
@inline(__always)
private func withDecoder(_ p: UnsafeMutablePointer<http_parser>?, _ body: (RequestDecoder) -> Int32) -> Int32 {
    Unmanaged<RequestDecoder>.fromOpaque(p!.pointee.data)._withUnsafeGuaranteedRef(body)
}

@inline(__always)
private func withResponseDecoder(_ p: UnsafeMutablePointer<http_parser>?, _ body: (ResponseDecoder) -> Int32) -> Int32 {
    Unmanaged<ResponseDecoder>.fromOpaque(p!.pointee.data)._withUnsafeGuaranteedRef(body)
}
