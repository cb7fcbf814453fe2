/// What a renew did (spec 4.5). The registry never picks a status code: the API maps these (2.2).
public enum RenewOutcome: Sendable, Equatable {
    /// The lease was renewed; the API compares this with the request's lastDirtyTimestamp (2.2 step 3).
    case renewed(storedLastDirtyTimestamp: Int64)
    /// No lease, or the status rules computed UNKNOWN: the client must re-register.
    case unknownInstance
}
