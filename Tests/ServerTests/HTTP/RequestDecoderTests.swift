@testable import Server
import Testing

/// Decodes the same input whole and one byte at a time; both must give equal requests.
@Suite struct RequestDecoderTests {
    private func decodeAll(_ input: String, chunk: Int) -> [(HTTPMethod, String, [UInt8], [(String, String)])] {
        let decoder = RequestDecoder()
        let bytes = Array(input.utf8)
        var out: [(HTTPMethod, String, [UInt8], [(String, String)])] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            var piece = Array(bytes[offset..<end])
            var used = 0
            while used < piece.count {
                let result = piece[used...].withUnsafeBytes { decoder.decode($0) }
                switch result {
                case .request(let consumed):
                    used += consumed
                    let request = decoder.request
                    out.append((request.method, String(decoding: request.url, as: UTF8.self), request.body,
                                request.headers.pairs(in: request.head)))
                case .needMore: used = piece.count
                case .failure: return out
                }
            }
            piece.removeAll()
            offset = end
        }
        return out
    }

    @Test(arguments: [1, 3, 1000])
    func pipelinedRequestsDecodeEquallyInAnyChunking(chunk: Int) {
        let input = "GET /eureka/apps/ HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
            + "POST /eureka/apps/ORDERS HTTP/1.1\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\nhello"
            + "PUT /eureka/apps/A/b?status=UP HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        let requests = decodeAll(input, chunk: chunk)
        #expect(requests.count == 3)
        #expect(requests[0].0 == .get && requests[0].1 == "/eureka/apps/")
        #expect(requests[0].3.map(\.0) == ["Host", "Accept"])
        #expect(requests[0].3[1].1 == "application/json")
        #expect(requests[1].0 == .post && requests[1].2 == Array("hello".utf8))
        #expect(requests[2].0 == .put && requests[2].1 == "/eureka/apps/A/b?status=UP")
        #expect(requests[2].2 == Array("abcde".utf8))
    }

    @Test func headersOverTheLimitFailWith431() {
        let decoder = RequestDecoder(maxHeaderBytes: 100)
        let input = Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 200) + "\r\n\r\n").utf8)
        #expect(input.withUnsafeBytes { decoder.decode($0) } == .failure(.headersTooLarge))
    }

    @Test func declaredBodyOverTheLimitFailsBeforeTheBodyArrives() {
        let decoder = RequestDecoder(maxBodyBytes: 10)
        let input = Array("POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n".utf8)
        #expect(input.withUnsafeBytes { decoder.decode($0) } == .failure(.bodyTooLarge))
    }

    @Test func chunkedBodyOverTheLimitFails() {
        let decoder = RequestDecoder(maxBodyBytes: 4)
        let input = Array("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n".utf8)
        #expect(input.withUnsafeBytes { decoder.decode($0) } == .failure(.bodyTooLarge))
    }

    @Test func garbageIsMalformed() {
        let decoder = RequestDecoder()
        let input = Array("HELLO WORLD\r\n\r\n".utf8)
        #expect(input.withUnsafeBytes { decoder.decode($0) } == .failure(.malformed))
    }

    @Test func http10WithoutKeepAliveIsNotKeptAlive() {
        let decoder = RequestDecoder()
        let input = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        #expect(input.withUnsafeBytes { decoder.decode($0) } == .request(consumed: input.count))
        #expect(decoder.request.keepAlive == false)
        #expect(decoder.request.isHTTP10)
    }

    @Test func expectContinueIsReportedAfterHeaders() {
        let decoder = RequestDecoder()
        let input = Array("POST /x HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n".utf8)
        #expect(input.withUnsafeBytes { decoder.decode($0) } == .needMore)
        #expect(decoder.continueRequested)
    }

    /// Two decoders sharing a buffer pool, recycling after every request, see only their own requests.
    @Test func pooledBuffersCarryNothingOver() {
        let pool = RequestBufferPool()
        let first = RequestDecoder(pool: pool)
        let second = RequestDecoder(pool: pool)
        let one = Array("PUT /eureka/apps/A/1?status=UP HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n".utf8)
        let two = Array("POST /eureka/apps/B HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc".utf8)
        for _ in 0..<3 {
            #expect(one.withUnsafeBytes { first.decode($0) } == .request(consumed: one.count))
            #expect(String(decoding: first.request.url, as: UTF8.self) == "/eureka/apps/A/1?status=UP")
            #expect(first.request.headers.pairs(in: first.request.head).map(\.0) == ["Host", "Accept"])
            first.recycleBuffers()
            #expect(two.withUnsafeBytes { second.decode($0) } == .request(consumed: two.count))
            #expect(String(decoding: second.request.url, as: UTF8.self) == "/eureka/apps/B")
            #expect(second.request.headers.pairs(in: second.request.head).map(\.0) == ["Content-Length"])
            #expect(second.request.body == Array("abc".utf8))
            second.recycleBuffers()
        }
    }
}
