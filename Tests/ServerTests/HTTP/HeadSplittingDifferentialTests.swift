@testable import Server
import Testing

/// The request decoder splits a head that arrived whole into header lines itself, without http_parser's per-header
/// callbacks (RequestDecoder.wholeHeadComplete). The callback path stays for everything else, and is the reference
/// here: every input is decoded by a decoder that never splits (`splitsWholeHeads: false`) and by the default one,
/// whole, in two reads cut at every byte, and byte by byte; all must give the same requests and the same end.
@Suite struct HeadSplittingDifferentialTests {
    /// What a connection would see of one input: each request decoded, then how the input ended.
    struct Outcome: Equatable, CustomStringConvertible {
        var requests: [String] = []
        var end: RequestDecoder.Result = .needMore
        var description: String { "\(requests) end \(end)" }
    }

    static let maxHeaderBytes = 300

    /// Feeds `input` cut at `cuts` (offsets), then the peer's close.
    static func decode(_ input: [UInt8], cuts: [Int], splits: Bool, pool: RequestBufferPool? = nil) -> Outcome {
        decodeCounting(input, cuts: cuts, splits: splits, pool: pool).outcome
    }

    static func decodeCounting(_ input: [UInt8], cuts: [Int], splits: Bool, pool: RequestBufferPool? = nil)
        -> (outcome: Outcome, headsSplit: Int) {
        let decoder = RequestDecoder(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: 200, pool: pool, splitsWholeHeads: splits)
        var outcome = Outcome()
        let bounds = cuts + [input.count]
        var start = 0
        for end in bounds where end > start {
            var offset = start
            start = end
            while offset < end {
                let result = input[offset..<end].withUnsafeBytes { decoder.decode($0) }
                switch result {
                case .request(let consumed):
                    offset += consumed
                    outcome.requests.append(describe(decoder))
                case .needMore:
                    offset = end
                case .failure:
                    outcome.end = result
                    return (outcome, decoder.wholeHeadsSplit)
                }
            }
            decoder.recycleBuffers()
        }
        outcome.end = decoder.finish()
        return (outcome, decoder.wholeHeadsSplit)
    }

    static func describe(_ decoder: RequestDecoder) -> String {
        let request = decoder.request
        let headers = request.headers.pairs(in: request.head).map { "[\($0.0)]=[\($0.1)]" }.joined(separator: " ")
        return "\(request.method.name) [\(String(decoding: request.url, as: UTF8.self))] \(headers) body \(request.body.count)"
            + " keepAlive \(request.keepAlive) http10 \(request.isHTTP10) continue \(decoder.continueRequested)"
    }

    /// Both paths, whole and cut everywhere, against the callback path's whole decode.
    static func expectSameOutcomes(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let input = Array(text.utf8)
        let reference = decode(input, cuts: [], splits: false)
        #expect(decode(input, cuts: [], splits: true) == reference, "whole: \(text.debugDescription)",
                sourceLocation: sourceLocation)
        for cut in 1..<max(1, input.count) {
            for splits in [true, false] {
                let outcome = decode(input, cuts: [cut], splits: splits)
                #expect(outcome == reference, "cut at \(cut), splits \(splits): \(text.debugDescription)",
                        sourceLocation: sourceLocation)
                if outcome != reference { return }
            }
        }
        #expect(decode(input, cuts: Array(1..<max(1, input.count)), splits: true) == reference,
                "byte by byte: \(text.debugDescription)", sourceLocation: sourceLocation)
    }

    static let heartbeat = "PUT /eureka/apps/APP-7/host-7.example:app-7:8080?status=UP&lastDirtyTimestamp=1700000000000 HTTP/1.1\r\n"
        + "Host: 127.0.0.1:8761\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\n"
        + "DiscoveryIdentity-Name: DefaultClient\r\nDiscoveryIdentity-Version: 1.4\r\nDiscoveryIdentity-Id: 127.0.0.1\r\n"
        + "Content-Length: 0\r\n\r\n"

    static let cases: [String] = [
        heartbeat,
        heartbeat + heartbeat,
        "GET /eureka/apps HTTP/1.1\r\nhOsT: a\r\nACCEPT: application/xml\r\naccept: application/json\r\n\r\n",
        "GET / HTTP/1.1\r\nX:\r\nY: \r\nZ:\t \r\nW: w\r\n\r\n",
        "GET / HTTP/1.1\r\nX: \t a b \t \r\nY:a:b\r\n\r\n",
        "GET / HTTP/1.1\nHost: a\nX:\nY: y  \n\n",
        "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\n",
        "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        // http_parser (Debian's build is not strict) takes any byte after these CRs as the LF.
        "GET / HTTP/1.1\r\nX: \rAY: z\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\r\n\rZGET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nX: \r\r\nY: y\r\n\r\n",
        // Folded lines (obs-fold): refused after a value, skipped as leading whitespace before one.
        "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\r\n\tb\r\nY: c\r\n\r\n",
        "GET / HTTP/1.1\r\nX:\r\n b\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\r\n b: c\r\n\r\n",
        "GET / HTTP/1.1\r\nX:\r\n\tb: c\r\nY: d\r\n\r\n",
        "GET / HTTP/1.1\r\nX:\r\n \r\nY: z\r\n\r\n",
        "GET / HTTP/1.1\r\nX: \r\n\t\r\n  b c \r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1\r\n 2\r\n\r\nab",
        "GET / HTTP/1.1\r\n b: c\r\n\r\n",
        // Bad bytes.
        "GET / HTTP/1.1\r\nX: a\u{01}b\r\n\r\n",
        "GET / HTTP/1.1\r\nX\u{7f}: a\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\u{7f}\r\n\r\n",
        "GET / HTTP/1.1\r\nX Y: a\r\n\r\n",
        "GET / HTTP/1.1\r\nX : a\r\n\r\n",
        "GET / HTTP/1.1\r\nX\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\n\u{00}: a\r\n\r\n",
        "GET / HTTP/1.1\r\nX: caf\u{e9}\r\n\r\n",
        // Bodies, trailers, continue, framing errors.
        "POST /eureka/apps/A HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello" + heartbeat,
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nAccept: a\r\n\r\n3\r\nabc\r\n0\r\nAccept: t\r\nX-T: u\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX: a\r\n b\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
        "POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
        "POST /x HTTP/1.1\r\nContent-Length: 300\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        "CONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\nrest",
        "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\nrest",
        "GET / HTTP/1.1\r\nHost: a\r\n",
        "GET / HTTP/1.1\r\nHo",
    ]

    @Test func everyCaseDecodesAsTheCallbackPathDoes() {
        for text in Self.cases { Self.expectSameOutcomes(text) }
    }

    /// The limit counts the URL, the names and the values, not the spaces and line ends around them.
    @Test func headersNearTheSizeLimitDecodeAsTheCallbackPathDoes() {
        let url = "/u"
        let room = Self.maxHeaderBytes - url.count - 1  // a name of one byte
        for length in [room - 2, room - 1, room, room + 1, room + 2] {
            let value = String(repeating: "v", count: length)
            Self.expectSameOutcomes("GET \(url) HTTP/1.1\r\nX: \(value)\r\n\r\n")
            Self.expectSameOutcomes("GET \(url) HTTP/1.1\r\nX:\t      \(value)   \r\n\r\n")
        }
        // Over the limit in raw bytes, not in counted ones: whitespace is free.
        let spaces = String(repeating: " ", count: Self.maxHeaderBytes)
        Self.expectSameOutcomes("GET / HTTP/1.1\r\nX:\(spaces)a\r\nY:\(spaces)\r\n\r\n")
        Self.expectSameOutcomes("GET /\(String(repeating: "u", count: Self.maxHeaderBytes)) HTTP/1.1\r\n\r\n")
        let many = (0..<40).map { "H\($0): v\r\n" }.joined()
        Self.expectSameOutcomes("GET / HTTP/1.1\r\n\(many)\r\n")
    }

    /// Names of every length up to 40, with values that hold colons too.
    @Test func namesOfEveryLengthSplitAtTheirColon() {
        for length in 1...40 {
            let name = String((0..<length).map { Character(UnicodeScalar(UInt8(65 + $0 % 26))) })
            for value in ["", "v", "a:b", "127.0.0.1:8761 "] {
                let input = Array("GET / HTTP/1.1\r\n\(name):\(value)\r\n\(name)-2: \(value)\n\r\n".utf8)
                let (outcome, split) = Self.decodeCounting(input, cuts: [], splits: true)
                #expect(split == 1)
                #expect(outcome == Self.decode(input, cuts: [], splits: false), "name \(length), value \(value)")
            }
        }
    }

    /// Heads built from the pieces a splitter could get wrong, in random order (seeded, so a failure repeats).
    @Test func randomHeadsDecodeAsTheCallbackPathDoes() {
        let pieces = ["Host", "x", ":", ": ", " ", "\t", "\r\n", "\n", "\r", "a", "b c", "\u{01}", "Content-Length: 2",
                      "Transfer-Encoding: chunked", "Expect: 100-continue", "Connection: close", "\r\n\r\n"]
        var rng = SplitMix64(seed: 19)
        for _ in 0..<400 {
            var text = "PUT /a?b=c HTTP/1.1\r\n"
            for _ in 0..<Int.random(in: 1...12, using: &rng) { text += pieces.randomElement(using: &rng)! }
            text += Bool.random(using: &rng) ? "\r\n\r\nok" : "\r\n"
            let input = Array(text.utf8)
            let reference = Self.decode(input, cuts: [], splits: false)
            #expect(Self.decode(input, cuts: [], splits: true) == reference, "whole: \(text.debugDescription)")
            let cut = Int.random(in: 1...max(1, input.count - 1), using: &rng)
            #expect(Self.decode(input, cuts: [cut], splits: true) == reference, "cut \(cut): \(text.debugDescription)")
        }
    }

    /// Recorded outcomes, so the reference itself cannot drift unnoticed.
    @Test func theSplitHeadsKeepTheirRecordedMeaning() {
        let (heartbeat, split) = Self.decodeCounting(Array(Self.heartbeat.utf8), cuts: [], splits: true)
        #expect(split == 1)  // the whole head went through the splitter, not the callbacks
        #expect(Self.decodeCounting(Array((Self.heartbeat + Self.heartbeat).utf8), cuts: [100], splits: true).headsSplit == 1)
        #expect(heartbeat.requests.count == 1 && heartbeat.end == .needMore)
        #expect(heartbeat.requests.first?.contains("[DiscoveryIdentity-Id]=[127.0.0.1] [Content-Length]=[0]") == true)
        let spaced = Self.decode(Array("GET / HTTP/1.1\r\nX: \t a b \t \r\n\r\n".utf8), cuts: [], splits: true)
        #expect(spaced.requests.first?.contains("[X]=[a b \t ]") == true)  // leading whitespace only is dropped
        let emptyThenFolded = Self.decode(Array("GET / HTTP/1.1\r\nX:\r\n b\r\n\r\n".utf8), cuts: [], splits: true)
        #expect(emptyThenFolded.requests.first?.contains("[X]=[b]") == true)
        let folded = Self.decode(Array("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n".utf8), cuts: [], splits: true)
        #expect(folded == Outcome(requests: [], end: .failure(.malformed)))
        let big = "GET / HTTP/1.1\r\nX: \(String(repeating: "v", count: Self.maxHeaderBytes))\r\n\r\n"
        #expect(Self.decode(Array(big.utf8), cuts: [], splits: true).end == .failure(.headersTooLarge))
        let trailer = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: u\r\n\r\n"
        #expect(Self.decode(Array(trailer.utf8), cuts: [], splits: true).requests.first?.contains("[X-T]=[u]") == true)
    }

    /// Lookups skip the scan for a name length no header has; names of other lengths, or of one 64 longer, still
    /// scan and compare.
    @Test func lookupsFindWhatTheSplitFound() {
        let long = String(repeating: "a", count: 65)  // the same bit as a name of one byte
        let input = Array("GET / HTTP/1.1\r\nAccept: x\r\n\(long): y\r\n\r\n".utf8)
        let decoder = RequestDecoder()
        #expect(input.withUnsafeBytes { decoder.decode($0) } == .request(consumed: input.count))
        #expect(decoder.request.headerString("accept") == "x")
        #expect(decoder.request.header("Accepts") == nil)
        #expect(decoder.request.header("A") == nil)
        #expect(decoder.request.header("x-netflix-discovery-replication") == nil)
        let built = Request(method: .get, url: "/", headers: [("Host", "h")])
        #expect(built.headerString("HOST") == "h" && built.header("Hosts") == nil)
    }

    /// Requests decoded one after another on pooled buffers keep nothing of the one before.
    @Test func pooledDecodersSplitEachHeadAfresh() {
        let pool = RequestBufferPool()
        let input = Array((Self.heartbeat + "GET / HTTP/1.1\r\nX: 1\r\n\r\n" + Self.heartbeat).utf8)
        let reference = Self.decode(input, cuts: [], splits: false)
        #expect(reference.requests.count == 3)
        for cut in [0, 50, Self.heartbeat.utf8.count, Self.heartbeat.utf8.count + 3] {
            #expect(Self.decode(input, cuts: cut == 0 ? [] : [cut], splits: true, pool: pool) == reference)
        }
    }

    /// Between requests the head is only marked stale and the header list only resets its count (RequestDecoder.
    /// resetForNextRequest); the next head overwrites them. Two decoders take turns with one pool, so a stale head
    /// passes from one connection to another; long heads precede short ones, whole ones precede cut ones (which
    /// take the callback path, which must empty the stale head first), and each request must decode as it does
    /// alone on a fresh decoder, with no header of the one before.
    @Test func staleHeadsAndHeaderListsLeaveNothingBehind() {
        let requests = [
            Self.heartbeat,
            "GET / HTTP/1.1\r\nX: 1\r\n\r\n",
            Self.heartbeat,
            "GET /a HTTP/1.1\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 3\r\nAccept: a\r\n\r\nabc",
            "GET /b HTTP/1.1\r\nX:\r\n\tb: c\r\nY: d\r\n\r\n",  // a fold before a value: the callback path
            Self.heartbeat,
            "GET /c HTTP/1.0\r\n\r\n",
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: u\r\n\r\n",
            Self.heartbeat,
        ]
        let pool = RequestBufferPool()
        let decoders = [RequestDecoder(maxHeaderBytes: Self.maxHeaderBytes, maxBodyBytes: 200, pool: pool),
                        RequestDecoder(maxHeaderBytes: Self.maxHeaderBytes, maxBodyBytes: 200, pool: pool)]
        for round in 0..<4 {
            for (n, text) in requests.enumerated() {
                let input = Array(text.utf8)
                let expected = Self.decode(input, cuts: [], splits: false).requests
                let decoder = decoders[(n + round) % 2]
                // Rounds 0 and 1 whole; 2 and 3 cut after the first 10 bytes (the callback path after a stale head).
                let cut = round < 2 ? input.count : 10
                var got: [String] = []
                var offset = 0
                for end in [cut, input.count] where end > offset {
                    while offset < end {
                        switch input[offset..<end].withUnsafeBytes({ decoder.decode($0) }) {
                        case .request(let consumed):
                            offset += consumed
                            got.append(Self.describe(decoder))
                            #expect(decoder.request.header("X-Not-Sent") == nil)
                            if !text.contains("Accept:") { #expect(decoder.request.header("Accept") == nil) }
                        case .needMore: offset = end
                        case .failure(let failure): Issue.record("\(failure) for \(text.debugDescription)"); return
                        }
                    }
                    decoder.recycleBuffers()
                }
                #expect(got == expected, "round \(round), request \(n): \(text.debugDescription)")
            }
        }
    }

    /// Keep-alive is computed from the parser's version and flags as http_should_keep_alive does (a debug
    /// assertion in RequestDecoder compares the two on every request); the expected answers are written out here.
    @Test func keepAliveFollowsTheVersionAndConnectionHeader() {
        let cases: [(String, String, Bool)] = [
            ("HTTP/1.1", "", true), ("HTTP/1.1", "Connection: close\r\n", false),
            ("HTTP/1.1", "Connection: keep-alive\r\n", true), ("HTTP/1.1", "Connection: Close\r\n", false),
            ("HTTP/1.0", "", false), ("HTTP/1.0", "Connection: keep-alive\r\n", true),
            ("HTTP/1.0", "Connection: close\r\n", false), ("HTTP/1.2", "", true),
            ("HTTP/2.0", "", false), ("HTTP/2.0", "Connection: keep-alive\r\n", true),
            ("HTTP/1.1", "Connection: upgrade\r\n", true), ("HTTP/1.1", "Connection: keep-alive, close\r\n", false),
        ]
        for (version, header, keepAlive) in cases {
            let input = Array("GET / \(version)\r\n\(header)Host: a\r\n\r\n".utf8)
            for splits in [true, false] {
                let decoder = RequestDecoder(splitsWholeHeads: splits)
                #expect(input.withUnsafeBytes { decoder.decode($0) } == .request(consumed: input.count))
                #expect(decoder.request.keepAlive == keepAlive, "\(version) \(header.debugDescription) splits \(splits)")
            }
        }
        let nineteen = RequestDecoder()  // HTTP/0.9: no version, never kept alive
        let simple = Array("GET /\r\n\r\n".utf8)
        if case .request = simple.withUnsafeBytes({ nineteen.decode($0) }) { #expect(nineteen.request.keepAlive == false) }
    }
}
