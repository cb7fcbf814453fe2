@testable import Server
import Testing

/// The readers stop at a value budget (issue #18): a hostile body costs the budget, not its size.
@Suite struct ParseBudgetTests {
    @Test func jsonParsingStopsPastTheBudgetAndCountsEveryValue() throws {
        let body = Array(#"{"a": [1, 2, {"b": null}], "c": "x"}"#.utf8)  // 7 values: 2 objects, 1 array, 4 scalars
        #expect(throws: Never.self) { _ = try JSONReader.parse(body, maxValues: 7) }
        #expect(throws: CodecError.tooManyValues(limit: 6)) { _ = try JSONReader.parse(body, maxValues: 6) }
    }

    @Test func xmlParsingStopsPastTheBudgetAndCountsEveryElement() throws {
        let body = Array("<instance><metadata><a>1</a><b>2</b></metadata></instance>".utf8)  // 4 elements
        #expect(throws: Never.self) { _ = try XMLReader.parse(body, maxElements: 4) }
        #expect(throws: CodecError.tooManyValues(limit: 3)) { _ = try XMLReader.parse(body, maxElements: 3) }
    }

    @Test func aRegistrationWithinTheDefaultBoundsFitsTheBudget() throws {
        var info = instance("i-1", app: "ORDERS")
        info.metadata = Metadata((0..<256).map { ("key\($0)", "v") })
        let limits = RegistryLimits()
        for format in [WireFormat.json, .xml] {
            let body = InstanceCodec.encode(info, format: format)
            let decoded = try InstanceCodec.decode(body, format: format, now: 0, maxValues: limits.registrationValueBudget)
            #expect(decoded.info.metadata.count == 256)
        }
    }
}
