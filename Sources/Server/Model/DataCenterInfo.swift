/// `dataCenterInfo` (spec 3.4). The kind comes from `name`; Amazon carries a string map.
struct DataCenterInfo: Sendable, Equatable {
    enum Name: String, Sendable {
        case netflix = "Netflix"
        case amazon = "Amazon"
        case myOwn = "MyOwn"

        /// Case-insensitive (spec 3.4, OUR choice); nil for any other name, which makes the body unparseable.
        init?(lenient text: String) {
            switch text.lowercased() {
            case "netflix": self = .netflix
            case "amazon": self = .amazon
            case "myown": self = .myOwn
            default: return nil
            }
        }
    }

    static let amazonClass = "com.netflix.appinfo.AmazonInfo"
    static let defaultClass = "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"

    var name: Name
    /// Amazon only; written as is.
    var metadata: Metadata

    init(name: Name, metadata: Metadata = Metadata()) {
        self.name = name
        self.metadata = metadata
    }

    static let myOwn = DataCenterInfo(name: .myOwn)

    /// The class written on output: Amazon for Amazon, the default class for everything else.
    var wireClass: String { name == .amazon ? Self.amazonClass : Self.defaultClass }

    /// Amazon's unique id, used by the id fallback (spec 2.1).
    var amazonInstanceId: String? {
        guard name == .amazon, let id = metadata["instance-id"], !id.isEmpty else { return nil }
        return id
    }
}
