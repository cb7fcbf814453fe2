import Testing
@testable import Server

/// Spec 3.6 name coding, and strings that need escaping in either format.
@Suite struct NameCodingAndTextCodecTests {
    @Test(arguments: [
        ("my_key", "my__key"), ("a$b", "a_-b"), ("prometheus.io/scrape", "prometheus.io_.002fscrape"), ("9x", "_.0039x"),
        ("management.port", "management.port"), ("zone", "zone"), ("-a", "_.002da"), ("a b", "a_.0020b"),
        ("é", "é"), ("a😀", "a_.d83d_.de00"), ("_", "__"), ("_.", "__."), ("a:b", "a:b"),
    ])
    func xmlNameCodingBothWays(key: String, element: String) {
        #expect(XMLNameCoding.encode(key) == element)
        #expect(XMLNameCoding.decode(element) == key)
    }

    @Test func decodingKeepsStrayUnderscoresAndBadHex() {
        #expect(XMLNameCoding.decode("a_b") == "a_b")
        #expect(XMLNameCoding.decode("a_.zz") == "a_.zz")
        #expect(XMLNameCoding.decode("trailing_") == "trailing_")
    }

    @Test func metadataKeysRoundTripThroughXML() throws {
        var info = SpecExamples.orders1
        info.metadata = Metadata([("prometheus.io/scrape", "true"), ("9x", "nine"), ("my_key", "a$b"), ("a$b", "&<>\"'")])
        let xml = String(decoding: InstanceCodec.encode(info, format: .xml), as: UTF8.self)
        #expect(xml.contains("<metadata><prometheus.io_.002fscrape>true</prometheus.io_.002fscrape><_.0039x>nine</_.0039x><my__key>a$b</my__key><a_-b>&amp;&lt;&gt;\"'</a_-b></metadata>"))
        #expect(try InstanceCodec.decode(Array(xml.utf8), format: .xml, now: 0).info == info)
        // JSON keys are not coded.
        let json = String(decoding: InstanceCodec.encode(info, format: .json), as: UTF8.self)
        #expect(json.contains(#""prometheus.io/scrape":"true","9x":"nine","my_key":"a$b""#))
    }

    @Test func jsonEscapesAndUnicodeRoundTrip() throws {
        var info = SpecExamples.orders1
        info.hostName = "quote\" backslash\\ slash/ tab\t nl\n cr\r bell\u{07} nul\u{0} é 中 😀 \u{2028}"
        info.metadata = Metadata([("k\"ey\n", "v\\al\u{1F}")])
        let encoded = InstanceCodec.encode(info, format: .json)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""hostName":"quote\" backslash\\ slash/ tab\t nl\n cr\r bell\u0007 nul\u0000 é 中 😀 "#))
        #expect(text.contains(#""k\"ey\n":"v\\al\u001f""#))
        #expect(try InstanceCodec.decode(encoded, format: .json, now: 0).info == info)
    }

    @Test func jsonInputEscapesIncludingSurrogatePairsDecode() throws {
        let body = #"{"instance":{"app":"a","hostName":"\u00e9\u4E2D\ud83d\ude00\/\b\f\"","ipAddr":"\ud83d x \ude00"}}"#
        let info = try InstanceCodec.decode(Array(body.utf8), format: .json, now: 0).info
        #expect(info.hostName == "é中😀/\u{08}\u{0C}\"")
        // Lone surrogates cannot be represented in a String: each becomes U+FFFD.
        #expect(info.ipAddr == "\u{FFFD} x \u{FFFD}")
    }

    @Test func rawUTF8AndByteOrderMarkAreAccepted() throws {
        let body = [0xEF, 0xBB, 0xBF] + Array(#"{"instance":{"app":"zürich","hostName":"東京"}}"#.utf8)
        let info = try InstanceCodec.decode(body, format: .json, now: 0).info
        #expect(info.app == "ZÜRICH" && info.hostName == "東京")
    }

    @Test func xmlTextEscapingAndInvalidCharacters() throws {
        var info = SpecExamples.orders1
        info.hostName = "a&b<c>d\"e'f\tg\nh\ri\u{01}j\u{FFFE}k\u{FFFF}l 😀"
        let encoded = InstanceCodec.encode(info, format: .xml)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains("<hostName>a&amp;b&lt;c&gt;d\"e'f\tg\nh&#xd;ijkl 😀</hostName>"))
        var expected = info
        expected.hostName = "a&b<c>d\"e'f\tg\nh\rijkl 😀"
        #expect(try InstanceCodec.decode(encoded, format: .xml, now: 0).info == expected)
    }

    @Test func xmlReaderEntitiesCDATAAndComments() throws {
        let body = #"<instance><hostName>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;<![CDATA[<raw & text>]]><!-- note -->!</hostName><app a='x &quot;y&quot;'>A</app><?pi data?></instance>"#
        let root = try XMLReader.parse(Array(body.utf8))
        #expect(root.children.first?.text == "<>&\"'AB😀<raw & text>!")
        #expect(root.children.last?.attribute("a") == "x \"y\"")
        #expect(try InstanceCodec.decode(Array(body.utf8), format: .xml, now: 0).info.app == "A")
    }

    @Test func xmlAttributesEscapeQuotes() {
        var out: [UInt8] = []
        out.appendXMLText("say \"hi\" & <bye>", inAttribute: true)
        #expect(String(decoding: out, as: UTF8.self) == "say &quot;hi&quot; &amp; &lt;bye&gt;")
    }

    @Test(arguments: [Int64(0), 7, -7, 10, 99, 100, 1_732_440_000_123, Int64.max, Int64.min])
    func decimalsAreWrittenDirectly(value: Int64) {
        var out: [UInt8] = [UInt8(ascii: "x")]
        out.appendDecimal(value)
        #expect(String(decoding: out, as: UTF8.self) == "x\(value)")
    }
}
