/// Register's checks in the order of spec 2.1; the first failure is the 400 message (Netflix's texts).
enum RegistrationValidation {
    /// Applies Spring's `metadata.instanceId` fallback and the Amazon id repair, then validates.
    /// Returns the record to register, or the message of the first failed check.
    static func prepare(_ decoded: DecodedInstance, pathApp: String) -> Result<InstanceInfo, ValidationFailure> {
        var info = decoded.info
        // Netflix reads the intervals into Java ints, so a larger value is unparseable there (#0); here it
        // would overflow the lease arithmetic.
        if let lease = info.leaseInfo, lease.renewalIntervalInSecs > Int32.max || lease.durationInSecs > Int32.max {
            return .failure("cannot parse request body")
        }
        if info.instanceId == nil || info.instanceId == "", let fromMetadata = info.metadata["instanceId"], !fromMetadata.isEmpty {
            // Spring's CloudJacksonJson rule: prefix the host name unless the id already starts with it.
            info.instanceId = fromMetadata.hasPrefix(info.hostName) ? fromMetadata : info.hostName + ":" + fromMetadata
        }
        if info.effectiveId.isEmpty { return .failure("Missing instanceId") }
        if info.hostName.isEmpty { return .failure("Missing hostname") }
        if info.ipAddr.isEmpty { return .failure("Missing ip address") }
        if info.app.isEmpty { return .failure("Missing appName") }
        if info.app != pathApp { return .failure(ValidationFailure("Mismatched appName, expecting \(pathApp) but was \(info.app)")) }
        if decoded.dataCenterInfoMissingName { return .failure("Missing dataCenterInfo Name") }
        guard var dataCenter = info.dataCenterInfo else { return .failure("Missing dataCenterInfo") }
        if dataCenter.name == .amazon, dataCenter.amazonInstanceId == nil {
            dataCenter.metadata["instance-id"] = info.effectiveId
            info.dataCenterInfo = dataCenter
        }
        // Intervals <= 0 mean the defaults (spec 3.5).
        var lease = info.leaseInfo ?? LeaseInfo()
        if lease.renewalIntervalInSecs <= 0 { lease.renewalIntervalInSecs = 30 }
        if lease.durationInSecs <= 0 { lease.durationInSecs = 90 }
        info.leaseInfo = lease
        return .success(info)
    }
}

struct ValidationFailure: Error, ExpressibleByStringLiteral {
    let message: String
    init(_ message: String) { self.message = message }
    init(stringLiteral value: String) { message = value }
}
