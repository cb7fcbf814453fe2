import Glibc

/// Maps a request path to an Endpoint by comparing segments: no regular expressions, no allocation
/// except for the parameters it returns. Every Eureka path is served under `/eureka/` and `/eureka/v2/`
/// (spec 1.1); one trailing `/` is ignored.
struct Router: Sendable {
    /// Operational pages outside `/eureka` (spec 10); nil when disabled.
    var dashboardPath: String?
    var metricsEnabled: Bool
    /// `/peerreplication/digest` exists only while anti-entropy is on: off, a node answers it 404 like Netflix's.
    var antiEntropyEnabled = false

    init(dashboardPath: String? = "/", metricsEnabled: Bool = true) {
        self.dashboardPath = dashboardPath
        self.metricsEnabled = metricsEnabled
    }

    /// `path` is the URL without its query.
    func route(_ path: ArraySlice<UInt8>) -> Endpoint? {
        var segments = PathSegments(path)
        guard let first = segments.next() else {
            return dashboardPath == "/" ? .dashboard : nil
        }
        if Self.equals(path, first, "eureka") {
            var next = segments.next()
            if let v2 = next, Self.equals(path, v2, "v2") { next = segments.next() }
            guard let resource = next else { return nil }
            return eurekaRoute(path, resource, &segments)
        }
        return operationalRoute(path)
    }

    private func eurekaRoute(_ path: ArraySlice<UInt8>, _ resource: Range<Int>, _ segments: inout PathSegments) -> Endpoint? {
        let rest = (segments.next(), segments.next(), segments.next(), segments.next())
        if Self.equals(path, resource, "apps") {
            guard let appSegment = rest.0 else { return .apps }
            guard let idSegment = rest.1 else {
                // The literal lower-case `delta` is always the delta endpoint (spec 1.2).
                return Self.equals(path, appSegment, "delta") ? .delta : .app(Self.appName(path, appSegment))
            }
            let app = Self.appName(path, appSegment)
            let id = Self.decoded(path, idSegment)
            guard let action = rest.2 else { return .instance(app: app, id: id) }
            guard rest.3 == nil else { return nil }
            if Self.equals(path, action, "status") { return .instanceStatus(app: app, id: id) }
            if Self.equals(path, action, "metadata") { return .instanceMetadata(app: app, id: id) }
            return nil
        }
        if Self.equals(path, resource, "instances"), let id = rest.0, rest.1 == nil {
            return .instanceById(Self.decoded(path, id))
        }
        if Self.equals(path, resource, "vips"), let vip = rest.0, rest.1 == nil { return .vip(Self.decoded(path, vip)) }
        if Self.equals(path, resource, "svips"), let vip = rest.0, rest.1 == nil { return .svip(Self.decoded(path, vip)) }
        if Self.equals(path, resource, "status"), rest.0 == nil { return .status }
        if Self.equals(path, resource, "stream"), rest.0 == nil { return .stream }
        if Self.equals(path, resource, "serverinfo"), let what = rest.0, Self.equals(path, what, "statusoverrides"), rest.1 == nil {
            return .statusOverrides
        }
        if Self.equals(path, resource, "peerreplication"), let what = rest.0, Self.equals(path, what, "batch"), rest.1 == nil {
            return .peerReplicationBatch
        }
        if antiEntropyEnabled, Self.equals(path, resource, "peerreplication"), let what = rest.0, Self.equals(path, what, "digest"),
           rest.1 == nil {
            return .peerReplicationDigest
        }
        if Self.equals(path, resource, "asg"), let asg = rest.0, let what = rest.1, Self.equals(path, what, "status"), rest.2 == nil {
            return .asgStatus(Self.decoded(path, asg))
        }
        return nil
    }

    /// The app and id segments of `/eureka/apps/{app}/{id}` and `/eureka/v2/apps/{app}/{id}` (one trailing `/`
    /// allowed) when `route` would take both bytes as they are: no lower-case, escaped or non-ASCII byte in the app,
    /// nothing escaped or non-ASCII in the id. The heartbeat looks its lease up by these bytes
    /// (`InstanceRegistry.lease(app:id:)`), so it makes no String. Nil for every other spelling (doubled slashes,
    /// escapes...) and every other path: `route` handles those. One pass over the bytes: the segment walk cost
    /// ~1,200 Ir a heartbeat (callgrind).
    func plainInstancePath(_ path: ArraySlice<UInt8>) -> (app: Range<Int>, id: Range<Int>)? {
        let found: (app: Range<Int>, id: Range<Int>)? = path.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return nil }
            let slash = UInt8(ascii: "/"), percent = UInt8(ascii: "%")
            let appStart: Int
            if Self.hasPrefix(bytes, "/eureka/apps/") {
                appStart = 13
            } else if Self.hasPrefix(bytes, "/eureka/v2/apps/") {
                appStart = 16
            } else {
                return nil
            }
            var end = bytes.count
            if end > appStart, base[end - 1] == slash { end -= 1 }
            var appEnd = appStart
            while appEnd < end {
                let byte = base[appEnd]
                if byte == slash { break }
                if byte == percent || byte &- 97 < 26 || byte >= 128 { return nil }
                appEnd += 1
            }
            guard appEnd > appStart, appEnd + 1 < end else { return nil }  // a non-empty app, a '/', a non-empty id
            // The id (27 bytes for a Java client's) eight bytes at a time: the byte loop was ~8 Ir a byte.
            var offset = appEnd + 1
            while offset + 8 <= end {
                let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 || Self.hasByte(word, slash) || Self.hasByte(word, percent) { return nil }
                offset += 8
            }
            while offset < end {
                let byte = base[offset]
                if byte == slash || byte == percent || byte >= 128 { return nil }
                offset += 1
            }
            return (appStart..<appEnd, (appEnd + 1)..<end)
        }
        guard let found else { return nil }
        let origin = path.startIndex
        return (found.app.lowerBound + origin..<found.app.upperBound + origin, found.id.lowerBound + origin..<found.id.upperBound + origin)
    }

    /// Whether any of the eight bytes of `word` is `byte` (the zero-byte test on `word ^ byte...byte`: exact for
    /// whether one exists, which is all this asks).
    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & 0x8080_8080_8080_8080 != 0
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        bytes.count > prefix.utf8CodeUnitCount && memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    private func operationalRoute(_ path: ArraySlice<UInt8>) -> Endpoint? {
        let text = String(decoding: Self.trimmed(path), as: UTF8.self)
        switch text {
        case "/actuator/health", "/health": return .health
        case "/actuator/info", "/info": return .info
        case "/actuator/prometheus", "/metrics": return metricsEnabled ? .metrics : nil
        default:
            if let dashboardPath, text == dashboardPath || text + "/" == dashboardPath { return .dashboard }
            return nil
        }
    }

    private static func trimmed(_ path: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        path.count > 1 && path.last == UInt8(ascii: "/") ? path.dropLast() : path
    }

    private static func equals(_ path: ArraySlice<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let bytes = literal.utf8Start
        var i = 0
        for index in range {
            if path[index] != bytes[i] { return false }
            i += 1
        }
        return true
    }

    private static func appName(_ path: ArraySlice<UInt8>, _ range: Range<Int>) -> String {
        // The common case (an upper-case ASCII name, nothing escaped) makes one String and no second pass.
        let plain = path[range].withUnsafeBufferPointer { bytes in
            // One pass over the contiguous bytes (the slice's contains(where:) cost several times more per byte).
            for byte in bytes where byte == UInt8(ascii: "%") || byte &- 97 < 26 || byte >= 128 { return false }
            return true
        }
        if plain {
            return String(decoding: path[range], as: UTF8.self)
        }
        return InstanceInfo.normalisedAppName(decoded(path, range))
    }

    /// Percent-decodes one segment (`+` stays a plus in paths, spec 1.2).
    static func decoded(_ path: ArraySlice<UInt8>, _ range: Range<Int>) -> String {
        let segment = path[range]
        let escaped = segment.withUnsafeBytes { raw in
            raw.baseAddress.map { memchr($0, Int32(UInt8(ascii: "%")), raw.count) != nil } ?? false
        }
        guard escaped else { return String(decoding: segment, as: UTF8.self) }
        return PercentDecoding.decode(segment, plusIsSpace: false)
    }
}

/// Yields the ranges of the non-empty `/`-separated segments of a path; a trailing `/` yields nothing.
struct PathSegments {
    private let path: ArraySlice<UInt8>
    private var position: Int

    init(_ path: ArraySlice<UInt8>) {
        self.path = path
        position = path.startIndex
    }

    mutating func next() -> Range<Int>? {
        // memchr finds a segment's end: a byte loop over the slice was ~400 instructions a heartbeat (callgrind).
        let base = path.startIndex
        let from = position - base
        let (start, end) = path.withUnsafeBufferPointer { bytes in
            var start = from
            while start < bytes.count, bytes[start] == UInt8(ascii: "/") { start += 1 }
            guard start < bytes.count, let origin = bytes.baseAddress else { return (start, start) }
            let end = memchr(origin + start, Int32(UInt8(ascii: "/")), bytes.count - start)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(origin) } ?? bytes.count
            return (start, end)
        }
        position = base + end
        return start < end ? base + start..<base + end : nil
    }
}
