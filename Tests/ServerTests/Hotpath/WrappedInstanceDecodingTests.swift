import Testing
@testable import Server

/// The register body's member-by-member JSON path (InstanceJSON.decodeWrapped) against the tree path it stands in
/// for: whenever it answers, the record is the tree's; whenever the tree refuses a body, InstanceCodec.decode
/// refuses it with the same error.
@Suite struct WrappedInstanceDecodingTests {
    /// The benchmark's body (bench/tools/instance.c): a Java client's registration.
    static let javaClientBody = #"""
        {"instance":{"instanceId":"bench-42:bench-app-2:8080","hostName":"bench-42","app":"BENCH-APP-2","ipAddr":"10.0.0.42","status":"UP","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"countryId":1,"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},"leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":0,"lastRenewalTimestamp":0,"evictionTimestamp":0,"serviceUpTimestamp":0},"metadata":{"management.port":"8080","zone":"zone-a","version":"1.4.2","git.commit":"3f9c2a1b7e5d","startup":"2024-11-24T09:20:00Z","instance.group":"default","profile":"production","region":"eu-west-1","build.time":"2024-11-20T17:03:11Z","prometheus.scrape":"true"},"homePageUrl":"http://bench-42:8080/","statusPageUrl":"http://bench-42:8080/actuator/info","healthCheckUrl":"http://bench-42:8080/actuator/health","vipAddress":"bench-app-2","secureVipAddress":"bench-app-2","isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"1732440000000","lastDirtyTimestamp":"1732440000000"}}
        """#

    /// Bodies the member path reads itself (it must not fall back for them).
    static let readDirectly: [String] = [
        javaClientBody,
        "\u{FEFF}" + javaClientBody,
        #" { "instance" : { "app" : "a" , "hostName":"h", "app":"orders", "unknown":{"x":[1,{"y":null}]} } } "#,
        #"{"instance":{"app":"a","status":null,"port":8081,"securePort":{"$":"8443"},"metadata":{"@class":"x","k":1,"k":null,"j":true}}}"#,
        #"{"instance":{"app":"a","instanceId":"i\u0041\n","overriddenstatus":"DOWN","leaseInfo":null,"dataCenterInfo":{"metadata":{}}}}"#,
        #"{"instance":{"app":"a","zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz":1,"lastDirtyTimestamp":17,"actionType":"ADDED"}}"#,
        // The nested objects and integers read from their bytes, in the spellings the bytes path takes and in those
        // it leaves to the lenient readers.
        #"{"instance":{"app":"a","port":{"$":"8080","@enabled":"TRUE","$":-0,"x":{"y":[1]}},"securePort":{"@enabled":1}}}"#,
        #"{"instance":{"app":"a","port":{"$":80.9,"@enabled":"no"},"securePort":{"$":" 443 ","@enabled":null}}}"#,
        #"{"instance":{"app":"a","dataCenterInfo":{"@class":{"nested":true},"name":"amazon","metadata":{"instance-id":"i-1","@class":"c","z":2.5}}}}"#,
        #"{"instance":{"app":"a","dataCenterInfo":{"name":"MyOwn","name":null}}}"#,
        #"{"instance":{"app":"a","leaseInfo":{"renewalIntervalInSecs":"15","durationInSecs":45.7,"evictionTimestamp":true,"serviceUpTimestamp":"-12","registrationTimestamp":1234567890123456789,"lastRenewalTimestamp":[1],"other":{}}}}"#,
        #"{"instance":{"app":"a","countryId":"-3","lastUpdatedTimestamp":1234567890123456789,"lastDirtyTimestamp":"0017"}}"#,
        #"{"instance":{"app":"a","status":"down","overriddenStatus":"OUT_OF_SERVICE","isCoordinatingDiscoveryServer":"1"}}"#,
        #"{"instance":{"app":"a","status":"STARTING","overriddenstatus":"Up","isCoordinatingDiscoveryServer":true}}"#,
        #"{"instance":{"app":"a","metadata":{"a":"1","b":"x\"y","c":null,"a":"2","d":false,"":""}}}"#,
        #"{"instance":{"app":"a","metadata":{},"dataCenterInfo":{},"leaseInfo":{},"port":{}}}"#,
    ]

    /// Bodies it must leave to the tree path: another shape, an escaped key, trailing bytes, or an error.
    static let leftToTheTree: [String] = [
        #"{"instance":{"app":"a"},"instance":{"app":"b"}}"#,
        #"{"other":1,"instance":{"app":"a"}}"#,
        #"{"instance":{"\u0061pp":"a"}}"#,
        #"{"inst\u0061nce":{"app":"a"}}"#,
        #"{"instance":{"app":"a"}} x"#,
        #"{"instance":{"app":"a"}"#,
        #"{"instance":{"app":"a",}}"#,
        #"{"instance":{}}"#,
        #"{"instance":null}"#,
        #"{"instance":[{"app":"a"}]}"#,
        #"{"instance":{"hostName":"h"}}"#,
        #"{"instance":{"app":"a","port":{"$":"http"}}}"#,
        #"{"instance":{"app":"a","metadata":{"k":{}}}}"#,
        #"{"instance":{"app":"a","countryId":"one"}}"#,
        #"{"instance":{"app":"a","metadata":{"k\u0041":"v"}}}"#,
        #"{"instance":{"app":"a","port":{"$":70000}}}"#,
        #"{"instance":{"app":"a","port":{"$":"80","$":[]}}}"#,
        #"{"instance":{"app":"a","dataCenterInfo":{"name":"Elsewhere"}}}"#,
        #"{"instance":{"app":"a","leaseInfo":{"durationInSecs":1 2}}}"#,
        "{\"instance\":{\"app\":\"a\",\"k\":\"tab\tin string\"}}",
        #"{"app":"a"}"#,
        "[]",
        "",
    ]

    private static func treeDecode(_ bytes: [UInt8], maxValues: Int = .max) -> Result<DecodedInstance, CodecError> {
        Result { () throws(CodecError) -> DecodedInstance in
            guard let instance = try JSONReader.parse(bytes, maxValues: maxValues)["instance"] else {
                throw .unparseable("JSON root has no instance member")
            }
            return try InstanceJSON.decode(instance, now: 5)
        }
    }

    private static func codecDecode(_ bytes: [UInt8], maxValues: Int = .max) -> Result<DecodedInstance, CodecError> {
        Result { () throws(CodecError) -> DecodedInstance in
            try InstanceCodec.decode(bytes, format: .json, now: 5, maxValues: maxValues)
        }
    }

    @Test(arguments: readDirectly)
    func readsTheCommonShapeAsTheTreeDoes(body: String) throws {
        let bytes = Array(body.utf8)
        let direct = try #require(try InstanceJSON.decodeWrapped(bytes, now: 5, maxValues: .max))
        #expect(Result.success(direct) == Self.treeDecode(bytes))
    }

    @Test(arguments: leftToTheTree)
    func leavesEveryOtherBodyToTheTree(body: String) throws {
        let bytes = Array(body.utf8)
        #expect(try InstanceJSON.decodeWrapped(bytes, now: 5, maxValues: .max) == nil)
        #expect(Self.codecDecode(bytes) == Self.treeDecode(bytes))
    }

    /// At every budget from too small to enough, the same refusal or the same record; a body over the budget is
    /// refused by the member path itself (it is not parsed a second time by the tree).
    @Test func valueBudgetEndsBothPathsAlike() {
        let bytes = Array(Self.javaClientBody.utf8)
        #expect(throws: CodecError.tooManyValues(limit: 30)) { try InstanceJSON.decodeWrapped(bytes, now: 5, maxValues: 30) }
        for budget in Array(0...80) + [1_000] {  // every budget up to past the body's ~60 values
            #expect(Self.codecDecode(bytes, maxValues: budget) == Self.treeDecode(bytes, maxValues: budget), "budget \(budget)")
        }
    }

    /// Every prefix of the common body (a body cut anywhere) and every single-byte corruption of its first part:
    /// what the codec answers is what the tree answers.
    @Test func cutAndCorruptedBodiesAnswerAsTheTree() {
        let bytes = Array(Self.javaClientBody.utf8)
        for end in 0..<bytes.count {
            let cut = Array(bytes[..<end])
            #expect(Self.codecDecode(cut) == Self.treeDecode(cut), "cut at \(end)")
        }
        // Six replacements in the first part, three (enough to end or break a string or an object) in the nested
        // objects and strings after it.
        for index in 0..<bytes.count {
            let replacements: [UInt8] = index < 400
                ? [UInt8(ascii: "\""), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: "\\"), 0x01, 0xFF]
                : [UInt8(ascii: "\""), UInt8(ascii: "}"), UInt8(ascii: "\\")]
            for replacement in replacements {
                var corrupted = bytes
                corrupted[index] = replacement
                #expect(Self.codecDecode(corrupted) == Self.treeDecode(corrupted), "byte \(index) -> \(replacement)")
            }
        }
    }
}
