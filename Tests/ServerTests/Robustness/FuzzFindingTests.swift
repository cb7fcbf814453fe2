@testable import Server
import Testing

/// One test per finding of the fuzz targets (Fuzz/Harness), each failing without its fix; the input that found
/// it stays in Fuzz/corpus/<target>/regression-*.
@Suite struct FuzzFindingTests {
    /// router target: a timestamp with leading zeros, longer than 19 digits, is still a number (Long.parseLong).
    @Test func queryInt64AcceptsLeadingZerosBeyondNineteenDigits() {
        let query = Query(ArraySlice(Array("lastDirtyTimestamp=00000000001313554012&big=99999999999999999999".utf8)))
        #expect(query.int64("lastDirtyTimestamp") == 1_313_554_012)
        #expect(query.int64("big") == nil)  // still not a number: over Int64.max
    }

    /// Feeds `input` to `decoder` `chunk` bytes per read until it stops asking for more.
    static func feed(_ decoder: RequestDecoder, _ input: [UInt8], inChunksOf chunk: Int) -> RequestDecoder.Result {
        var result = RequestDecoder.Result.needMore
        var offset = 0
        while offset < input.count, result == .needMore {
            let end = min(input.count, offset + chunk)
            result = input[offset..<end].withUnsafeBytes { decoder.decode($0) }
            offset = end
        }
        return result
    }

    /// request target: a folded header value (obs-fold) decoded to a value spanning the CRLF when it arrived in one
    /// read and to one without it when a read ended between the lines. Now refused (400) however it arrives.
    @Test(arguments: [1, 2, 3, 5, 16, 1_000])
    func foldedHeaderIsMalformedInAnyChunking(chunk: Int) {
        let input = Array("GET /eureka/apps HTTP/1.1\r\nUser-Agent: HTTP/1.1\r\n DefaultClient\r\nHost: x\r\n\r\n".utf8)
        let decoder = RequestDecoder()
        let result = Self.feed(decoder, input, inChunksOf: chunk)
        #expect(result == .failure(.malformed))
    }

    /// The same check leaves an ordinary value cut across reads alone.
    @Test(arguments: [1, 2, 7])
    func valueCutAcrossReadsStaysOneValue(chunk: Int) {
        let input = Array("GET / HTTP/1.1\r\nAccept: application/json\r\n\r\n".utf8)
        let decoder = RequestDecoder()
        let result = Self.feed(decoder, input, inChunksOf: chunk)
        guard case .request = result else {
            Issue.record("expected a request, got \(result)")
            return
        }
        #expect(decoder.request.headerString("Accept") == "application/json")
    }

    /// instance-xml target: `&#30;` decoded to a control character our XML writer cannot write back (and a Java
    /// parser refuses the document). References to non-characters are unparseable now; real ones still decode.
    @Test func xmlCharacterReferenceToANonCharacterIsUnparseable() throws {
        for reference in ["&#30;", "&#0;", "&#x1F;", "&#xFFFE;", "&#xD800;"] {
            let body = Array("<instance><app>A\(reference)</app></instance>".utf8)
            #expect(throws: CodecError.self) { try InstanceCodec.decode(body, format: .xml, now: 0) }
        }
        let body = Array("<instance><app>a&#x42;&#9;&#xE9;&#x1F600;</app></instance>".utf8)
        #expect(try InstanceCodec.decode(body, format: .xml, now: 0).info.app == "AB\t\u{C9}\u{1F600}")
    }

    /// instance-xml target: a raw control byte in XML text (not well-formed) was kept, and dropped again by our
    /// writer. Text, CDATA and attribute values with one are unparseable now; tab, LF and CR stay allowed.
    @Test func xmlRawControlCharacterIsUnparseable() throws {
        let bad = ["<instance><app>a\u{06}b</app></instance>", "<instance><app><![CDATA[a\u{01}]]></app></instance>",
                   "<instance><app>A</app><port enabled=\"t\u{02}\">1</port></instance>",
                   "<instance><app>a\u{FFFF}</app></instance>"]
        for text in bad {
            #expect(throws: CodecError.self) { try InstanceCodec.decode(Array(text.utf8), format: .xml, now: 0) }
        }
        let body = Array("<instance><app>a\tb\nc</app></instance>".utf8)
        #expect(try InstanceCodec.decode(body, format: .xml, now: 0).info.app == "A\tB\nC")
    }
}
