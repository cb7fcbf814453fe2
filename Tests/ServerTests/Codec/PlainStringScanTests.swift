import Testing
@testable import Server

/// The word-at-a-time scan for the end of an unescaped JSON string (`JSONReader.plainEnd`) finds what a byte-by-byte
/// scan finds, whatever the byte, its position in or across the 8-byte words, and the bytes after it.
@Suite struct PlainStringScanTests {
    private func naiveEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return bytes.count
    }

    private func scanEnd(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { JSONReader($0, maxValues: .max).plainEnd(from: start) }
    }

    @Test func findsTheFirstQuoteBackslashOrControlByteAnywhere() {
        // Bytes around the marks (0x1F/0x20, 0x21-0x23, 0x5B-0x5D, 0x7F-0x80, 0xFF) and the borrow cases: a zero
        // byte before another mark, marks in every lane of a word, at the end of the document and past it.
        let stops: [UInt8] = [0x00, 0x01, 0x1F, 0x22, 0x5C, 0x0A]
        let fillers: [UInt8] = [0x20, 0x21, 0x23, 0x41, 0x5B, 0x5D, 0x7F, 0x80, 0xC3, 0xFF]
        for length in 0...20 {
            for filler in fillers {
                let plain = [UInt8](repeating: filler, count: length)
                for start in 0...min(length, 9) { #expect(scanEnd(plain, from: start) == naiveEnd(plain, from: start)) }
                for stop in stops {
                    for at in 0..<max(length, 1) where at < length {
                        var bytes = plain
                        bytes[at] = stop
                        if at + 1 < length { bytes[at + 1] = stops[(Int(stop) + at) % stops.count] }
                        for start in [0, 1, 7, 8, 9] where start <= length {
                            #expect(scanEnd(bytes, from: start) == naiveEnd(bytes, from: start),
                                    "length \(length) filler \(filler) stop \(stop) at \(at) start \(start)")
                        }
                    }
                }
            }
        }
    }

    /// A register body read member by member gives the instance the whole-document reader gives.
    @Test func theMemberByMemberDecodeIsTheTreeDecode() throws {
        let body = Array("""
        {"instance":{"instanceId":"host-1:orders:8080","hostName":"host-1","app":"orders","ipAddr":"10.0.0.1",\
        "appGroupName":"grp","sid":"s","asgName":"asg","vipAddress":"orders","secureVipAddress":"orders-s",\
        "homePageUrl":"http://host-1:8080/","statusPageUrl":"http://host-1:8080/actuator/info","healthCheckUrl":"h",\
        "secureHealthCheckUrl":"https://host-1/health","status":"UP","dataCenterInfo":{"name":"MyOwn"},\
        "hostName":"h\\u00e9\\"q","instanceId":12345,"ipAddr":null}}
        """.utf8)
        let fast = try #require(try InstanceJSON.decodeWrapped(body, now: 7, maxValues: .max))
        let tree = try InstanceJSON.decode(try #require(try JSONReader.parse(body)["instance"]), now: 7)
        #expect(fast == tree)
        #expect(fast.info.app == "ORDERS" && fast.info.appGroupName == "GRP")
        #expect(fast.info.hostName == "hé\"q" && fast.info.instanceId == "12345" && fast.info.ipAddr == "")
    }
}
