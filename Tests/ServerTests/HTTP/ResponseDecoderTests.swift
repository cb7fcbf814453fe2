@testable import Server
import Testing

/// Peers' replies decoded whole and one byte at a time must come out equal; limits and garbage are errors.
@Suite struct ResponseDecoderTests {
    struct Decoded: Equatable {
        var status: Int
        var headers: [String]
        var body: [UInt8]
        var keepAlive: Bool
    }

    /// Feeds `input` in pieces of `chunk` bytes, then EOF when `eof`. Returns the replies and the failure, if any.
    private func decode(_ input: [UInt8], chunk: Int, headersOnly: Bool = false, eof: Bool = true,
                        maxBodyBytes: Int = 1 << 20, maxHeaderBytes: Int = 64 * 1024) -> ([Decoded], ResponseDecodeFailure?) {
        let decoder = ResponseDecoder(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
        decoder.expectsHeadersOnly = headersOnly
        var replies: [Decoded] = []
        func take() {
            let r = decoder.response
            replies.append(Decoded(status: r.status, headers: r.headers.pairs(in: r.head).map { "\($0): \($1)" },
                                   body: r.body, keepAlive: r.keepAlive))
        }
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + chunk)
            var used = offset
            while used < end {
                switch input[used..<end].withUnsafeBytes({ decoder.decode($0) }) {
                case .response(let consumed):
                    used += consumed
                    take()
                case .needMore: used = end
                case .failure(let failure): return (replies, failure)
                }
            }
            offset = end
        }
        guard eof else { return (replies, nil) }
        switch decoder.finish() {
        case .response: take()
        case .needMore: break
        case .failure(let failure): return (replies, failure)
        }
        return (replies, nil)
    }

    /// Whole, in threes and byte by byte: all equal, and returned for the test's own checks.
    private func decodeEveryWay(_ text: String, _ extra: [UInt8] = [], headersOnly: Bool = false, eof: Bool = true,
                                maxBodyBytes: Int = 1 << 20) -> ([Decoded], ResponseDecodeFailure?) {
        let input = Array(text.utf8) + extra
        let whole = decode(input, chunk: input.count, headersOnly: headersOnly, eof: eof, maxBodyBytes: maxBodyBytes)
        for chunk in [1, 3] {
            let pieces = decode(input, chunk: chunk, headersOnly: headersOnly, eof: eof, maxBodyBytes: maxBodyBytes)
            #expect(pieces.0 == whole.0, "chunk \(chunk)")
            #expect(pieces.1 == whole.1, "chunk \(chunk)")
        }
        return whole
    }

    @Test func lengthDelimitedRepliesFollowingEachOtherDecodeEquallyInAnyChunking() {
        let (replies, failure) = decodeEveryWay(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nX-Multi: a,\r\n b\r\n\r\n")
        #expect(failure == nil)
        #expect(replies.map(\.status) == [200, 503, 204])
        #expect(replies[0].body == Array("hello".utf8))
        #expect(replies[0].headers == ["Content-Type: application/json", "Content-Length: 5"])
        #expect(replies.allSatisfy { $0.keepAlive })
    }

    @Test func chunkedBodiesAreJoinedAndTrailersDoNotBreakTheNextReply() {
        let (replies, failure) = decodeEveryWay(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nA;ext=1\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        #expect(failure == nil)
        #expect(replies.map(\.body) == [Array("abc0123456789".utf8), Array("ok".utf8)])
    }

    @Test func gzipBodiesAreInflatedLengthDelimitedOrChunked() throws {
        let plain = Array(String(repeating: "{\"applications\":{}}", count: 200).utf8)
        let packed = try #require(Gzip.compress(plain))
        let (whole, failure) = decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(packed.count)\r\n\r\n", packed)
        #expect(failure == nil)
        #expect(whole.first?.body == plain)
        let hex = String(packed.count, radix: 16)
        let (chunked, chunkedFailure) = decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Encoding: GZIP\r\nTransfer-Encoding: chunked\r\n\r\n\(hex)\r\n",
                                                       packed + Array("\r\n0\r\n\r\n".utf8))
        #expect(chunkedFailure == nil)
        #expect(chunked.first?.body == plain)
    }

    @Test func aBodyThatDoesNotInflateIsMalformed() {
        let (replies, failure) = decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope")
        #expect(replies.isEmpty)
        #expect(failure == .malformed)
    }

    @Test func repliesOverTheLimitsAreTooLargeNotACrash() throws {
        // Announced length, chunks, the inflated size and the head, each past its limit.
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n", maxBodyBytes: 1_000).1 == .tooLarge)
        let chunks = String(repeating: "100\r\n" + String(repeating: "x", count: 256) + "\r\n", count: 5)
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, maxBodyBytes: 1_000).1 == .tooLarge)
        let bomb = try #require(Gzip.compress([UInt8](repeating: 0, count: 100_000)))
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n", bomb,
                               maxBodyBytes: 10_000).1 == .tooLarge)
        let huge = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "y", count: 2_000) + "\r\n\r\n"
        let input = Array(huge.utf8)
        #expect(decode(input, chunk: input.count, maxHeaderBytes: 1_000).1 == .tooLarge)
        #expect(decode(input, chunk: 1, maxHeaderBytes: 1_000).1 == .tooLarge)
    }

    @Test func garbageIsMalformed() {
        #expect(decodeEveryWay("SSH-2.0-OpenSSH_9.2\r\n\r\n").1 == .malformed)
        #expect(decodeEveryWay("HTTP/1.1 abc OK\r\n\r\n").1 == .malformed)
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").1 == .malformed)
        #expect(decodeEveryWay("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: upgrade\r\n\r\n").1 == .malformed)
    }

    @Test func headAnd304RepliesHaveNoBodyWhateverTheyAnnounce() {
        let head = decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", headersOnly: true)
        #expect(head.1 == nil)
        #expect(head.0.map(\.status) == [200])
        #expect(head.0.first?.body == [])
        let notModified = decodeEveryWay("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz")
        #expect(notModified.1 == nil)
        #expect(notModified.0.map(\.status) == [304, 200])
        #expect(notModified.0.map(\.body) == [[], [122]])
    }

    @Test func interimRepliesAreSkippedForTheFinalOne() {
        let (replies, failure) = decodeEveryWay("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
        #expect(failure == nil)
        #expect(replies.map(\.status) == [200])
        #expect(replies.first?.headers == ["Content-Length: 2"])
    }

    @Test func aBodyWithoutLengthRunsToEOFAndEndsTheConnection() {
        let (replies, failure) = decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
        #expect(failure == nil)
        #expect(replies.first?.body == Array("until the end".utf8))
        #expect(replies.first?.keepAlive == false)
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\n\r\nmore to come", eof: false).0.isEmpty)
    }

    @Test func eofCutsAReplyShortAsTruncatedButBetweenRepliesIsClean() {
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").1 == .truncated)
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Le").1 == .truncated)
        #expect(decodeEveryWay("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").1 == .truncated)
        let clean = decodeEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(clean.1 == nil && clean.0.count == 1)
    }

    @Test func connectionCloseAndHTTP10AreNotKeptAlive() {
        let (replies, _) = decodeEveryWay("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(replies.first?.keepAlive == false)
        let (old, _) = decodeEveryWay("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(old.first?.keepAlive == false)
    }
}
