import CEurekaServer

/// C arguments as the registry takes them: NULL and out-of-range values become EUREKA_EINVAL naming the
/// parameter, before anything is touched.
enum CArguments {
    /// A required string (invalid UTF-8 is repaired, as String(cString:) does).
    @inline(__always)
    static func text(_ pointer: UnsafePointer<CChar>?, _ parameter: StaticString) throws(EmbedFailure) -> String {
        guard let pointer else { throw .invalid("\(parameter) is NULL") }
        return String(cString: pointer)
    }

    /// An optional string: NULL is absent.
    static func optionalText(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// An application name, upper-cased as the HTTP API does (spec 1.2).
    @inline(__always)
    static func app(_ pointer: UnsafePointer<CChar>?) throws(EmbedFailure) -> String {
        InstanceInfo.normalisedAppName(try text(pointer, "app"))
    }

    static func status(_ status: eureka_status, _ parameter: StaticString) throws(EmbedFailure) -> InstanceStatus {
        switch status {
        case EUREKA_STATUS_UP: return .up
        case EUREKA_STATUS_DOWN: return .down
        case EUREKA_STATUS_STARTING: return .starting
        case EUREKA_STATUS_OUT_OF_SERVICE: return .outOfService
        case EUREKA_STATUS_UNKNOWN: return .unknown
        default: throw .invalid("\(parameter) \(status.rawValue) is not an eureka_status")
        }
    }

    static func cStatus(_ status: InstanceStatus) -> eureka_status {
        switch status {
        case .up: EUREKA_STATUS_UP
        case .down: EUREKA_STATUS_DOWN
        case .starting: EUREKA_STATUS_STARTING
        case .outOfService: EUREKA_STATUS_OUT_OF_SERVICE
        case .unknown: EUREKA_STATUS_UNKNOWN
        }
    }

    /// A pointer for a result; NULL is EUREKA_EINVAL.
    static func out<T>(_ pointer: UnsafeMutablePointer<T>?, _ parameter: StaticString) throws(EmbedFailure) -> UnsafeMutablePointer<T> {
        guard let pointer else { throw .invalid("\(parameter) is NULL") }
        return pointer
    }
}
