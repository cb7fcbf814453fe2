/// The error body of spec 1.9.
enum ErrorBody {
    static func encode(message: String, format: WireFormat) -> [UInt8] {
        var out: [UInt8] = []
        switch format {
        case .json:
            out.appendStatic("{\"error\":")
            out.appendJSONString(message)
            out.append(UInt8(ascii: "}"))
        case .xml:
            out.appendStatic("<error>")
            out.appendXMLElement("<message>", "</message>", text: message)
            out.appendStatic("</error>")
        }
        return out
    }
}
