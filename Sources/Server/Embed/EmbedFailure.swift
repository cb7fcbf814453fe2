import CEurekaServer
import Glibc

/// A C call that failed: the code it returns and the text `eureka_last_error()` gives on the calling thread.
/// Entry points catch these (typed throws) and return the code: nothing is thrown across the boundary.
struct EmbedFailure: Error {
    let code: eureka_code
    let message: String

    static func invalid(_ message: String) -> EmbedFailure { EmbedFailure(code: EUREKA_EINVAL, message: message) }
    static func state(_ message: String) -> EmbedFailure { EmbedFailure(code: EUREKA_ESTATE, message: message) }
    static func notFound(app: String, id: String) -> EmbedFailure {
        EmbedFailure(code: EUREKA_ENOT_FOUND, message: "no instance '\(id)' of application '\(app)'")
    }
    static let wrongThread = EmbedFailure(code: EUREKA_EWRONG_THREAD, message: "called from a thread other than the node's loop thread")
    static let stopped = EmbedFailure(code: EUREKA_ESTOPPED, message: "the node is stopping or stopped")
    static let noMemory = EmbedFailure(code: EUREKA_ENOMEM, message: "out of memory")

    /// A configuration error keeps the command line's text, which names the setting.
    init(_ error: ConfigError) {
        switch error {
        case .unknownSetting: self.init(code: EUREKA_EUNKNOWN_SETTING, message: error.description)
        default: self.init(code: EUREKA_EBAD_VALUE, message: error.description)
        }
    }

    init(code: eureka_code, message: String) {
        self.code = code
        self.message = message
    }

    /// Records the message for this thread and returns the code, for `return failure.report()`.
    func report() -> Int32 {
        LastError.record(message)
        return code.rawValue
    }
}

/// Runs `body` and returns EUREKA_OK, or the failure's code after recording its message.
@inline(__always)
func reportingFailure(_ body: () throws(EmbedFailure) -> Void) -> Int32 {
    do throws(EmbedFailure) {
        try body()
        return EUREKA_OK.rawValue
    } catch {
        return error.report()
    }
}

/// The text of the last failure on each thread (libuv has codes only; hosts want to know which key was bad).
/// A malloc'd C string under one pthread key, freed when replaced or when its thread ends. The key is made once
/// and never changes, so this holds no mutable global state. Without a key (the process ran out of them) or
/// memory for the copy, calls still return their codes and the text is "".
enum LastError {
    private static let key: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key) { free($0) } == 0 ? key : nil
    }()

    static func record(_ message: String) {
        guard let key else { return }
        free(pthread_getspecific(key))
        pthread_setspecific(key, strdup(message))
    }

    static var current: UnsafePointer<CChar> {
        if let key, let text = pthread_getspecific(key) { return UnsafePointer(text.assumingMemoryBound(to: CChar.self)) }
        return ("" as StaticString).cString
    }
}

extension StaticString {
    /// The literal in static storage, NUL-terminated (Swift emits literals as C strings): what a C function may
    /// return for the life of the process.
    var cString: UnsafePointer<CChar> { UnsafeRawPointer(utf8Start).assumingMemoryBound(to: CChar.self) }
}
