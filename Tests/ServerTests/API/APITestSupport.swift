import Foundation
import Glibc
@testable import Server

/// The wire format of a request body or of an answer, as the tests choose it.
enum BodyFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case json, xml
    var contentType: String { self == .json ? "application/json" : "application/xml" }
    var accept: String { contentType }
    var description: String { rawValue }
}

/// A register body written the way the Java client writes it (spec 2.1, 3.2). A nil field is left out,
/// an empty string is sent empty: validation tells the two apart only where spec 2.1 does.
struct Registrant: Sendable {
    var app: String? = "ORDERS"
    var instanceId: String? = "orders-1:orders:8080"
    var hostName: String? = "orders-1"
    var ipAddr: String? = "10.0.0.5"
    var status = "UP"
    var overriddenStatus = "UNKNOWN"
    var port = 8080
    var vipAddress = "orders"
    var secureVipAddress = "orders"
    var metadata: [(String, String)] = [("management.port", "8080")]
    var hasDataCenterInfo = true
    var dataCenterName: String? = "MyOwn"
    var lastDirtyTimestamp: Int64 = 1_732_440_000_000

    /// A second instance of the same shape: `orders-2`, `orders-3`...
    static func orders(_ n: Int, status: String = "UP") -> Registrant {
        var registrant = Registrant()
        registrant.instanceId = "orders-\(n):orders:8080"
        registrant.hostName = "orders-\(n)"
        registrant.ipAddr = "10.0.0.\(4 + n)"
        registrant.status = status
        return registrant
    }

    var id: String { instanceId ?? hostName ?? "" }

    func body(_ format: BodyFormat) -> [UInt8] { Array((format == .json ? json : xml).utf8) }

    var json: String {
        var fields: [String] = []
        if let instanceId { fields.append("\"instanceId\":\(Self.quoted(instanceId))") }
        if let hostName { fields.append("\"hostName\":\(Self.quoted(hostName))") }
        if let app { fields.append("\"app\":\(Self.quoted(app))") }
        if let ipAddr { fields.append("\"ipAddr\":\(Self.quoted(ipAddr))") }
        fields.append("\"status\":\(Self.quoted(status))")
        fields.append("\"overriddenStatus\":\(Self.quoted(overriddenStatus))")
        fields.append("\"port\":{\"$\":\(port),\"@enabled\":\"true\"}")
        fields.append("\"securePort\":{\"$\":443,\"@enabled\":\"false\"}")
        fields.append("\"countryId\":1")
        if hasDataCenterInfo {
            let name = dataCenterName.map { ",\"name\":\(Self.quoted($0))" } ?? ""
            fields.append("\"dataCenterInfo\":{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"\(name)}")
        }
        fields.append("\"leaseInfo\":{\"renewalIntervalInSecs\":30,\"durationInSecs\":90}")
        let entries = metadata.map { "\(Self.quoted($0.0)):\(Self.quoted($0.1))" }
        fields.append(metadata.isEmpty ? "\"metadata\":{\"@class\":\"java.util.Collections$EmptyMap\"}"
                                       : "\"metadata\":{\(entries.joined(separator: ","))}")
        fields.append("\"homePageUrl\":\"http://\(hostName ?? ""):\(port)/\"")
        fields.append("\"vipAddress\":\(Self.quoted(vipAddress))")
        fields.append("\"secureVipAddress\":\(Self.quoted(secureVipAddress))")
        fields.append("\"isCoordinatingDiscoveryServer\":\"false\"")
        fields.append("\"lastUpdatedTimestamp\":\"\(lastDirtyTimestamp)\"")
        fields.append("\"lastDirtyTimestamp\":\"\(lastDirtyTimestamp)\"")
        return "{\"instance\":{\(fields.joined(separator: ","))}}"
    }

    var xml: String {
        var out = "<instance>"
        if let instanceId { out += "<instanceId>\(instanceId)</instanceId>" }
        if let hostName { out += "<hostName>\(hostName)</hostName>" }
        if let app { out += "<app>\(app)</app>" }
        if let ipAddr { out += "<ipAddr>\(ipAddr)</ipAddr>" }
        out += "<status>\(status)</status><overriddenstatus>\(overriddenStatus)</overriddenstatus>"
        out += "<port enabled=\"true\">\(port)</port><securePort enabled=\"false\">443</securePort><countryId>1</countryId>"
        if hasDataCenterInfo {
            out += "<dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\">"
            if let dataCenterName { out += "<name>\(dataCenterName)</name>" }
            out += "</dataCenterInfo>"
        }
        out += "<leaseInfo><renewalIntervalInSecs>30</renewalIntervalInSecs><durationInSecs>90</durationInSecs></leaseInfo>"
        out += metadata.isEmpty ? "<metadata class=\"java.util.Collections$EmptyMap\"/>"
                                : "<metadata>" + metadata.map { "<\(Self.coded($0.0))>\($0.1)</\(Self.coded($0.0))>" }.joined() + "</metadata>"
        out += "<homePageUrl>http://\(hostName ?? ""):\(port)/</homePageUrl>"
        out += "<vipAddress>\(vipAddress)</vipAddress><secureVipAddress>\(secureVipAddress)</secureVipAddress>"
        out += "<isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>"
        out += "<lastUpdatedTimestamp>\(lastDirtyTimestamp)</lastUpdatedTimestamp>"
        out += "<lastDirtyTimestamp>\(lastDirtyTimestamp)</lastDirtyTimestamp></instance>"
        return out
    }

    /// XStream's element-name coding as the Java client applies it (spec 3.6), for the keys the tests use.
    static func coded(_ key: String) -> String {
        key.replacingOccurrences(of: "_", with: "__").replacingOccurrences(of: "$", with: "_-")
            .replacingOccurrences(of: "/", with: "_.002f")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension TestNode {
    /// Reads after changes need the read-write level only: the read-only level serves a key's first value
    /// until its refresh tick (spec 6.5).
    static let liveReads = ["--eureka.server.use-read-only-response-cache=false"]

    /// One request on a fresh connection; `Content-Length` is added when a body is given.
    func request(method: String = "GET", path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> RawClient.Reply {
        try client().request(method: method, path: path, headers: headers, body: body)
    }

    func get(_ path: String, _ format: BodyFormat = .json, headers: [(String, String)] = []) throws -> RawClient.Reply {
        try request(path: path, headers: [("Accept", format.accept)] + headers)
    }

    @discardableResult
    func register(_ registrant: Registrant, _ format: BodyFormat = .json, path: String? = nil,
                  replicated: Bool = false) throws -> RawClient.Reply {
        var headers = [("Content-Type", format.contentType), ("Accept", format.accept)]
        if replicated { headers.append(("x-netflix-discovery-replication", "true")) }
        return try request(method: "POST", path: path ?? "/eureka/apps/\(registrant.app ?? "ORDERS")",
                           headers: headers, body: registrant.body(format))
    }

    func heartbeat(_ app: String, _ id: String, query: String = "", replicated: Bool = false) throws -> RawClient.Reply {
        let headers = replicated ? [("x-netflix-discovery-replication", "true"), ("Accept", "application/json")] : []
        return try request(method: "PUT", path: "/eureka/apps/\(app)/\(id)\(query)", headers: headers)
    }

    /// The `instance` object of `GET /eureka/apps/{app}/{id}` in JSON, nil on anything but 200.
    func instanceJSON(_ app: String, _ id: String) throws -> [String: Any]? {
        let reply = try get("/eureka/apps/\(app)/\(id)")
        guard reply.status == 200 else { return nil }
        return try JSON.object(reply.body)["instance"] as? [String: Any]
    }

    func status(of app: String, _ id: String) throws -> String? {
        try instanceJSON(app, id)?["status"] as? String
    }

    /// The `applications` object of a cached JSON document.
    func applications(_ path: String = "/eureka/apps", headers: [(String, String)] = []) throws -> [String: Any] {
        let reply = try get(path, headers: headers)
        guard reply.status == 200 else { throw JSON.Failure.status(reply.status) }
        return try JSON.object(reply.body)["applications"] as? [String: Any] ?? [:]
    }
}

/// Foundation's parser on the test side only, so the server's reader is not checked against itself.
enum JSON {
    enum Failure: Error { case notAnObject, status(Int) }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { throw Failure.notAnObject }
        return object
    }

    static func isString(_ value: Any?) -> Bool { value is String }
    /// A JSON number: Foundation gives NSNumber, never String.
    static func isNumber(_ value: Any?) -> Bool { value != nil && !(value is String) && value is NSNumber }

    /// Every instance in an `applications` object, with its application's name.
    static func instances(_ applications: [String: Any]) -> [[String: Any]] {
        (applications["application"] as? [[String: Any]] ?? []).flatMap { $0["instance"] as? [[String: Any]] ?? [] }
    }

    static func ids(_ applications: [String: Any]) -> Set<String> {
        Set(instances(applications).compactMap { $0["instanceId"] as? String })
    }
}

/// Plain string scanning is enough for the flat elements the tests look at.
enum XMLText {
    /// The text of every `<name>` or `<name attr...>` element, in order.
    static func values(_ text: String, _ name: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<\(name)") {
            let after = rest[open.upperBound...]
            guard let first = after.first, first == ">" || first == " " else {
                rest = after
                continue
            }
            guard let close = after.range(of: "</\(name)>"), let tagEnd = after.firstIndex(of: ">") else { break }
            found.append(String(after[after.index(after: tagEnd)..<close.lowerBound]))
            rest = after[close.upperBound...]
        }
        return found
    }

    static func value(_ text: String, _ name: String) -> String? { values(text, name).first }
}

/// Polls until `condition` holds or the deadline passes: timer behaviour is awaited, never slept on.
func waitUntil(timeoutMs: Int = 5_000, _ condition: () throws -> Bool) rethrows -> Bool {
    var waited = 0
    while waited < timeoutMs {
        if try condition() { return true }
        usleep(20_000)
        waited += 20
    }
    return try condition()
}
