/// Applications ↔ XML: `<applications>` with `<versions__delta>`, `<apps__hashcode>` (possibly
/// empty) and zero or more `<application>`; compact puts `<registeredApplicationsEmpty>` after the
/// applications and the two values last (spec 3.9, 3.11).
enum ApplicationsXML {
    static func append<Out: ByteSink & ~Copyable>(_ apps: consuming Applications, representation: Representation,
                                                 to out: inout Out) {
        out.appendStatic("<applications>")
        let isEmpty = apps.applications.isEmpty
        if representation == .full { appendVersionAndHash(apps, to: &out) }
        // Popped from the reversed list: each application goes once written (see `takeApplicationsReversed`).
        var pending = apps.takeApplicationsReversed()
        while let app = pending.popLast() { append(app, representation: representation, to: &out) }
        if representation == .compact {
            out.appendStatic(isEmpty
                ? "<registeredApplicationsEmpty>true</registeredApplicationsEmpty>"
                : "<registeredApplicationsEmpty>false</registeredApplicationsEmpty>")
            appendVersionAndHash(apps, to: &out)
        }
        out.appendStatic("</applications>")
    }

    static func append<Out: ByteSink & ~Copyable>(_ app: Application, representation: Representation, to out: inout Out) {
        out.appendStatic("<application>")
        out.appendXMLElement("<name>", "</name>", text: app.name)
        for instance in app.instances { InstanceXML.append(instance, representation: representation, to: &out) }
        out.appendStatic("</application>")
    }

    private static func appendVersionAndHash<Out: ByteSink & ~Copyable>(_ apps: Applications, to out: inout Out) {
        out.appendXMLElement("<versions__delta>", "</versions__delta>", decimal: apps.versionsDelta)
        out.appendXMLElement("<apps__hashcode>", "</apps__hashcode>", text: apps.appsHashCode)
    }

    static func decode(_ root: XMLElementNode, now: Int64) throws(CodecError) -> Applications {
        var apps = Applications()
        for child in root.children {
            switch child.name {
            case "versions__delta":
                apps.versionsDelta = try LenientInput.requiredInteger(child.text, field: "versions__delta")
            case "apps__hashcode": apps.appsHashCode = child.text
            case "application": apps.applications.append(try decodeApplication(child, now: now))
            default: continue
            }
        }
        return apps
    }

    private static func decodeApplication(_ element: XMLElementNode, now: Int64) throws(CodecError) -> Application {
        var app = Application(name: "")
        for child in element.children {
            switch child.name {
            case "name": app.name = child.text
            case "instance": app.instances.append(try InstanceXML.decode(child, now: now).info)
            default: continue
            }
        }
        return app
    }
}
