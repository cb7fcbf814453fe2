/// Serialises a response into a connection's output buffer: status line, the few headers this server
/// sends, then the body. Static byte strings only, so a heartbeat's answer costs no allocation.
enum ResponseWriter {
    /// Shared bodies at least this large go to the socket by reference instead of being copied per reader.
    static let referenceThreshold = 16 * 1024

    /// Writes the head (and a small body) into `out`; returns a large shared body the caller must queue
    /// by reference right after it.
    @discardableResult
    static func write(_ response: Response, headOnly: Bool, close: Bool, keepAliveHTTP10: Bool, into out: inout ByteBuffer) -> SharedBytes? {
        // The heartbeat's answer (and every other bare keep-alive 200/404) in one append: same bytes as below.
        if response.contentType == nil, !response.contentEncodingGzip, response.allow == nil, response.retryAfterSeconds == nil, !close, !keepAliveHTTP10,
           response.changeSequence == nil,
           case .empty = response.body {
            switch response.status {
            case 200:
                out.append("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                return nil
            case 404:
                out.append("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return nil
            default: break
            }
        }
        out.append(StatusLine.line(response.status))
        if let contentType = response.contentType { out.append(contentType.headerLine) }
        if response.contentEncodingGzip { out.append("Content-Encoding: gzip\r\n") }
        if let allow = response.allow {
            out.append("Allow: ")
            out.append(allow)
            out.append("\r\n")
        }
        if let seconds = response.retryAfterSeconds {
            out.append("Retry-After: ")
            out.append(decimal: seconds)
            out.append("\r\n")
        }
        if let sequence = response.changeSequence {
            out.append("X-Eureka-Change-Sequence: ")
            out.append(String(sequence))
            out.append("\r\n")
        }
        if let challenge = response.challenge {
            out.append("WWW-Authenticate: ")
            out.append(challenge)
            out.append("\r\n")
        }
        if close {
            out.append("Connection: close\r\n")
        } else if keepAliveHTTP10 {
            out.append("Connection: keep-alive\r\n")
        }
        out.append("Content-Length: ")
        out.append(decimal: response.body.count)
        out.append("\r\n\r\n")
        guard !headOnly else { return nil }
        switch response.body {
        case .empty: return nil
        case .bytes(let bytes):
            out.append(bytes)
            return nil
        case .shared(let shared):
            if shared.count >= referenceThreshold { return shared }
            out.append(shared.raw)
            return nil
        }
    }

    static func writeContinue(into out: inout ByteBuffer) {
        out.append("HTTP/1.1 100 Continue\r\n\r\n")
    }
}
