/// Register's checks in the order of spec 2.1; the first failure is the 400 message (Netflix's texts).
enum RegistrationValidation {
    /// Applies Spring's `metadata.instanceId` fallback and the Amazon id repair, then validates.
    /// Returns the record to register, or the message of the first failed check.
    static func prepare(_ decoded: DecodedInstance, pathApp: String) -> Result<InstanceInfo, ValidationFailure> {
        var info = decoded.info
        if let failure = prepare(&info, dataCenterInfoMissingName: decoded.dataCenterInfoMissingName, pathApp: pathApp) {
            return .failure(failure)
        }
        return .success(info)
    }

    /// The same on the record in place, nil when it passed: the register endpoint's form, which copies no record
    /// (each copy retains and releases the record's ~20 strings and buffers, ~850 instructions with its release).
    static func prepare(_ info: inout InstanceInfo, dataCenterInfoMissingName: Bool, pathApp: String) -> ValidationFailure? {
        // Netflix reads the intervals into Java ints, so a larger value is unparseable there (#0); here it
        // would overflow the lease arithmetic.
        if let lease = info.leaseInfo, lease.renewalIntervalInSecs > Int32.max || lease.durationInSecs > Int32.max {
            return "cannot parse request body"
        }
        if info.instanceId == nil || info.instanceId == "", let fromMetadata = info.metadata["instanceId"], !fromMetadata.isEmpty {
            // Spring's CloudJacksonJson rule: prefix the host name unless the id already starts with it.
            info.instanceId = fromMetadata.hasPrefix(info.hostName) ? fromMetadata : info.hostName + ":" + fromMetadata
        }
        if info.effectiveId.isEmpty { return "Missing instanceId" }
        if info.hostName.isEmpty { return "Missing hostname" }
        if info.ipAddr.isEmpty { return "Missing ip address" }
        if info.app.isEmpty { return "Missing appName" }
        if info.app != pathApp { return ValidationFailure("Mismatched appName, expecting \(pathApp) but was \(info.app)") }
        if dataCenterInfoMissingName { return "Missing dataCenterInfo Name" }
        guard let dataCenterName = info.dataCenterInfo?.name else { return "Missing dataCenterInfo" }
        if dataCenterName == .amazon, info.dataCenterInfo?.amazonInstanceId == nil {
            let id = info.effectiveId
            info.dataCenterInfo?.metadata["instance-id"] = id
        }
        // Intervals <= 0 mean the defaults (spec 3.5).
        var lease = info.leaseInfo ?? LeaseInfo()
        if lease.renewalIntervalInSecs <= 0 { lease.renewalIntervalInSecs = 30 }
        if lease.durationInSecs <= 0 { lease.durationInSecs = 90 }
        info.leaseInfo = lease
        return nil
    }
}

struct ValidationFailure: Error, ExpressibleByStringLiteral {
    let message: String
    init(_ message: String) { self.message = message }
    init(stringLiteral value: String) { message = value }
}
