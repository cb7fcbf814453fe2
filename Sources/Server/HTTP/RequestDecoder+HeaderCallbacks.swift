import CHTTPParser

/// The fallback path to a request's headers: http_parser with a callback per name and value piece. It takes every
/// head the whole-head split does not (see RequestDecoder): one that starts in an earlier input or is cut across
/// reads, one whose shape the splitter does not take (a folded line, a stray CR before a value, a head longer in raw
/// bytes than the header limit), a chunked body (its trailers come through these callbacks), and a parse error.
/// Rare next to heartbeats, whose heads arrive whole; the callbacks record ranges of `head` as the split does, so
/// both paths give the same request (HeadSplittingDifferentialTests).
extension RequestDecoder {
    /// Parses this input again from `saved`, the parser's state before the whole-head attempt (the parser is a plain
    /// struct), once that attempt did not take the head: first undoing what it recorded (message begin, URL).
    @inline(__always)
    func parseAgainWithHeaderCallbacks(from saved: http_parser, _ base: UnsafePointer<CChar>, _ count: Int) -> Int {
        parser.pointee = saved
        forgetPartialHead()
        return parseWithHeaderCallbacks(base, count)
    }

    /// Parses the input with the per-header callbacks; returns the bytes consumed.
    @inline(__always)
    func parseWithHeaderCallbacks(_ base: UnsafePointer<CChar>?, _ count: Int) -> Int {
        dropStaleHead()
        return http_parser_execute(parser, requestParserCallbacks, base, count)
    }

    // MARK: callbacks (return non-zero to stop the parser)

    func appendHeaderField(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        let (start, end) = record(at!, n)
        if headerState == .inName {
            pendingName = pendingName.lowerBound..<end  // the same name continued
        } else {
            if headerState == .inValue { request.headers.append(name: pendingName, value: pendingValue) }
            // An empty value is never reported, so each header starts with one at the name's end.
            pendingName = start..<end
            pendingValue = end..<end
            headerState = .inName
        }
        return 0
    }

    /// Appends the header being received, if any (at the end of the headers and of the trailers).
    @inline(__always)
    func flushPendingHeader() {
        guard headerState != .noHeader else { return }
        request.headers.append(name: pendingName, value: pendingValue)
        headerState = .noHeader
    }

    func appendHeaderValue(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        // A value continued on the next line (obs-fold, RFC 7230 3.2.4) comes as a second value piece that does not
        // follow the first: its range would span the CRLF when both sit in one read and not when a read ended
        // between them, so a request would mean different things depending on how it was cut. The RFC lets a server
        // refuse it with 400; no client we serve folds headers. (Found by the request fuzz target.)
        if headerState == .inValue, !continuesValue(at!) {
            failure = .malformed
            return 1
        }
        let (start, end) = record(at!, n)
        if headerState == .inValue {
            pendingValue = pendingValue.lowerBound..<end
        } else if headerState == .inName {
            pendingValue = start..<end
            headerState = .inValue
        } else {
            return 1  // a value before any name is malformed
        }
        return 0
    }

    /// Whether a value piece at `at` continues the previous one: adjacent to it in this input, or at the start of this
    /// input when the previous input ended inside the value.
    @inline(__always)
    private func continuesValue(_ at: UnsafePointer<CChar>) -> Bool {
        if let end = regionEnd { return at == end }
        return valueCutByInputEnd && at == inputBase
    }

    func headersComplete() -> Int32 {
        flushPendingHeader()
        copyRegion()
        return headTakenWhole()
    }
}
