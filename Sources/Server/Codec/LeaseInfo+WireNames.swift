/// The lease's six members by wire name, for the JSON decoders (tree and body) and the XML one alike.
extension LeaseInfo {
    /// `set(_:_:)` by the name's bytes, without a String per key.
    mutating func set(_ field: UnsafeBufferPointer<UInt8>, _ value: Int64) {
        switch field.count {
        case 21 where field.equals("renewalIntervalInSecs"): renewalIntervalInSecs = Int(truncatingIfNeeded: value)
        case 14 where field.equals("durationInSecs"): durationInSecs = Int(truncatingIfNeeded: value)
        case 21 where field.equals("registrationTimestamp"): registrationTimestamp = value
        case 20 where field.equals("lastRenewalTimestamp"): lastRenewalTimestamp = value
        case 17 where field.equals("evictionTimestamp"): evictionTimestamp = value
        case 18 where field.equals("serviceUpTimestamp"): serviceUpTimestamp = value
        default: break
        }
    }

    /// Sets one of the six fields by its wire name (both formats use the same names); others are ignored.
    mutating func set(_ field: String, _ value: Int64) {
        switch field {
        case "renewalIntervalInSecs": renewalIntervalInSecs = Int(truncatingIfNeeded: value)
        case "durationInSecs": durationInSecs = Int(truncatingIfNeeded: value)
        case "registrationTimestamp": registrationTimestamp = value
        case "lastRenewalTimestamp": lastRenewalTimestamp = value
        case "evictionTimestamp": evictionTimestamp = value
        case "serviceUpTimestamp": serviceUpTimestamp = value
        default: break
        }
    }
}
