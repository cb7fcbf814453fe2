/// Applications ↔ JSON. Full: `versions__delta`, `apps__hashcode` (both strings), `application`
/// (always an array). Compact: `application`, `registeredApplicationsEmpty`, then the two strings
/// (spec 3.9, 3.11).
enum ApplicationsJSON {
    static func append<Out: ByteSink & ~Copyable>(_ apps: consuming Applications, representation: Representation,
                                                 to out: inout Out) {
        out.appendStatic("{\"applications\":{")
        switch representation {
        case .full:
            appendVersionAndHash(apps, to: &out)
            out.appendStatic(",\"application\":")
            var pending = apps.takeApplicationsReversed()
            appendApplications(&pending, representation: .full, to: &out)
        case .compact:
            out.appendStatic("\"application\":")
            let isEmpty = apps.applications.isEmpty
            var pending = apps.takeApplicationsReversed()
            appendApplications(&pending, representation: .compact, to: &out)
            out.appendStatic(isEmpty
                ? ",\"registeredApplicationsEmpty\":true," : ",\"registeredApplicationsEmpty\":false,")
            appendVersionAndHash(apps, to: &out)
        }
        out.appendStatic("}}")
    }

    /// `{"name":"ORDERS","instance":[…]}` without the `application` wrapper.
    static func append<Out: ByteSink & ~Copyable>(_ app: Application, representation: Representation, to out: inout Out) {
        out.appendStatic("{\"name\":")
        out.appendJSONString(app.name)
        out.appendStatic(",\"instance\":[")
        for (index, instance) in app.instances.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            InstanceJSON.append(instance, representation: representation, to: &out)
        }
        out.appendStatic("]}")
    }

    /// Pops `pending` (reversed, see `takeApplicationsReversed`): each application goes once written.
    private static func appendApplications<Out: ByteSink & ~Copyable>(_ pending: inout [Application],
                                                                     representation: Representation, to out: inout Out) {
        out.append(UInt8(ascii: "["))
        var first = true
        while let app = pending.popLast() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            append(app, representation: representation, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func appendVersionAndHash<Out: ByteSink & ~Copyable>(_ apps: Applications, to out: inout Out) {
        out.appendStatic("\"versions__delta\":")
        out.appendQuotedDecimal(apps.versionsDelta)
        out.appendStatic(",\"apps__hashcode\":")
        out.appendJSONString(apps.appsHashCode)
    }

    /// The object under the `applications` root.
    static func decode(_ value: JSONValue, now: Int64) throws(CodecError) -> Applications {
        guard case .object(let members) = value else { throw .unparseable("applications is not an object") }
        var apps = Applications()
        for member in members {
            switch member.key {
            case "versions__delta":
                if let text = member.value.scalarText {
                    apps.versionsDelta = try LenientInput.requiredInteger(text, field: "versions__delta")
                }
            case "apps__hashcode": apps.appsHashCode = member.value.scalarText ?? ""
            case "application":
                apps.applications = []
                for item in member.value.elements { apps.applications.append(try decodeApplication(item, now: now)) }
            default: continue
            }
        }
        return apps
    }

    private static func decodeApplication(_ value: JSONValue, now: Int64) throws(CodecError) -> Application {
        guard case .object(let members) = value else { throw .unparseable("application is not an object") }
        var app = Application(name: "")
        for member in members {
            switch member.key {
            case "name": app.name = member.value.scalarText ?? ""
            case "instance":
                app.instances = []
                for item in member.value.elements { app.instances.append(try InstanceJSON.decode(item, now: now).info) }
            default: continue
            }
        }
        return app
    }
}
