import Testing
@testable import Server

/// Bodies the API must answer with 400 `cannot parse request body` (spec 1.4, 2.1 #0, 3.3, 3.4, 3.6).
@Suite struct CodecErrorTests {
    private static let valid = #"{"instance":{"hostName":"h","app":"A","ipAddr":"1","port":{"$":8080}}}"#

    private func decodeJSON(_ body: String) throws(CodecError) -> DecodedInstance {
        try InstanceCodec.decode(Array(body.utf8), format: .json, now: 0)
    }

    private func decodeXML(_ body: String) throws(CodecError) -> DecodedInstance {
        try InstanceCodec.decode(Array(body.utf8), format: .xml, now: 0)
    }

    @Test func validBaselineDecodes() throws {
        #expect(try decodeJSON(Self.valid).info.port.number == 8080)
    }

    @Test func everyTruncationOfAValidJSONBodyThrows() {
        for length in 0..<Self.valid.utf8.count {
            let prefix = String(decoding: Array(Self.valid.utf8)[..<length], as: UTF8.self)
            #expect(throws: CodecError.self, "prefix of \(length) bytes") { try decodeJSON(prefix) }
        }
    }

    @Test(arguments: [
        "", "   ", "null", "[]", "42", #""instance""#, "{}", #"{"instances":{"app":"A"}}"#,
        #"{"instance":null}"#, #"{"instance":[{"app":"A"}]}"#, #"{"instance":"A"}"#,
        #"{"instance":{"app":"A"}} x"#, #"{"instance":{"app":"A",}}"#, #"{"instance":{'app':"A"}}"#,
        #"{"instance":{"app":"A\q"}}"#, #"{"instance":{"app":"\uZZZZ"}}"#, "{\"instance\":{\"app\":\"a\u{01}b\"}}",
        #"{"instance":{"app":tru}}"#, #"{"instance":{"app":01.}}"#, #"{"instance":{"app":-}}"#,
    ])
    func malformedOrWrongRootJSONThrows(body: String) {
        #expect(throws: CodecError.self) { try decodeJSON(body) }
    }

    @Test(arguments: [
        "", "<instance>", "<instance><app>A</app>", "<instance><app>A</apps></instance>", "<application><app>A</app></application>",
        "<instance><app>A</app></instance><instance/>", "<instance><app>A &bogus; </app></instance>", "<instance><app>A & B</app></instance>",
        #"<!DOCTYPE x [<!ENTITY e "boom">]><instance><app>&e;</app></instance>"#, "<instance app=A><app>A</app></instance>",
        "<instance><app>&#xZZ;</app></instance>", "not xml at all",
    ])
    func malformedOrWrongRootXMLThrows(body: String) {
        #expect(throws: CodecError.self) { try decodeXML(body) }
    }

    @Test func missingAppFieldThrowsInBothFormats() {
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"hostName":"h","ipAddr":"1"}}"#) }
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"hostName":"h","app":null}}"#) }
        #expect(throws: CodecError.self) { try decodeXML("<instance><hostName>h</hostName></instance>") }
        let doc = #"{"applications":{"application":[{"name":"A","instance":[{"hostName":"h"}]}]}}"#
        #expect(throws: CodecError.self) { try ApplicationsCodec.decode(Array(doc.utf8), format: .json, now: 0) }
    }

    @Test(arguments: [#"{"a":{"b":"c"}}"#, #"{"a":["b"]}"#, #"{"a":[]}"#, #""text""#, "[]"])
    func nestedOrNonObjectMetadataThrows(metadata: String) {
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","metadata":\#(metadata)}}"#) }
    }

    @Test(arguments: [#"{"$":70000}"#, #"{"$":-1}"#, #"{"$":"abc"}"#, #"{"$":65536}"#, #"{"$":{}}"#, #""http""#])
    func badPortThrows(port: String) {
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","port":\#(port)}}"#) }
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","securePort":\#(port)}}"#) }
    }

    @Test func portRangeBoundsAreAccepted() throws {
        #expect(try decodeJSON(#"{"instance":{"app":"A","port":{"$":0},"securePort":{"$":65535}}}"#).info.securePort.number == 65535)
    }

    @Test func badXMLPortThrows() {
        #expect(throws: CodecError.self) { try decodeXML(#"<instance><app>A</app><port enabled="true">99999</port></instance>"#) }
        #expect(throws: CodecError.self) { try decodeXML("<instance><app>A</app><securePort>x</securePort></instance>") }
        #expect(throws: CodecError.self) { try decodeXML("<instance><app>A</app><port/></instance>") }
    }

    @Test func unknownDataCenterInfoNameThrows() {
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","dataCenterInfo":{"name":"Azure"}}}"#) }
        #expect(throws: CodecError.self) { try decodeXML("<instance><app>A</app><dataCenterInfo><name>Azure</name></dataCenterInfo></instance>") }
    }

    @Test func nonNumericTimestampsAndCountryIdThrow() {
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","lastDirtyTimestamp":"soon"}}"#) }
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","countryId":"x"}}"#) }
        #expect(throws: CodecError.self) { try decodeXML("<instance><app>A</app><lastUpdatedTimestamp>x</lastUpdatedTimestamp></instance>") }
    }

    @Test func objectWhereAStringBelongsThrows() {
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","hostName":{"a":1}}}"#) }
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: CodecError.self) { try decodeJSON(#"{"instance":{"app":"A","x":\#(deep)}}"#) }
        let deepXML = String(repeating: "<a>", count: 100_000)
        #expect(throws: CodecError.self) { try decodeXML("<instance><app>A</app>\(deepXML)</instance>") }
    }

    @Test func wrongApplicationsRootThrows() {
        #expect(throws: CodecError.self) { try ApplicationsCodec.decode(Array(#"{"application":{}}"#.utf8), format: .json, now: 0) }
        #expect(throws: CodecError.self) { try ApplicationsCodec.decode(Array("<application/>".utf8), format: .xml, now: 0) }
        #expect(throws: CodecError.self) { try ApplicationsCodec.decode(Array(#"{"applications":{"application":["x"]}}"#.utf8), format: .json, now: 0) }
    }
}
