/// One element of a parsed XML document: what the Eureka documents use (no namespaces, no mixed
/// content that matters). `text` is the concatenated character data directly inside the element.
struct XMLElementNode: Sendable, Equatable {
    var name: String
    var attributes: [(name: String, value: String)] = []
    var children: [XMLElementNode] = []
    var text = ""

    func attribute(_ name: String) -> String? {
        attributes.last(where: { $0.name == name })?.value
    }

    static func == (a: XMLElementNode, b: XMLElementNode) -> Bool {
        a.name == b.name && a.text == b.text && a.children == b.children
            && a.attributes.elementsEqual(b.attributes, by: { $0.name == $1.name && $0.value == $1.value })
    }
}

/// A small non-validating XML 1.0 parser: elements, attributes, character data, the five predefined
/// entities and numeric character references, CDATA, comments and processing instructions (the
/// `<?xml ?>` declaration among them) skipped. A DOCTYPE is refused: nothing the protocol sends has
/// one, and refusing it rules out entity-expansion attacks.
struct XMLReader {
    static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    /// Elements still allowed before parsing stops with `tooManyValues`.
    private var elementsLeft: Int
    private let maxElements: Int

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxElements: Int) {
        self.bytes = bytes
        self.maxElements = maxElements
        elementsLeft = maxElements
    }

    /// The root element of the document; `maxElements` bounds the elements of the whole document.
    static func parse(_ body: [UInt8], maxElements: Int = .max) throws(CodecError) -> XMLElementNode {
        try body.withUnsafeBufferPointer { (buffer) throws(CodecError) -> XMLElementNode in
            var reader = XMLReader(buffer, maxElements: maxElements)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { reader.position = 3 }
            try reader.skipMisc()
            guard reader.position < buffer.count else { throw reader.failure("no root element") }
            let root = try reader.readElement()
            try reader.skipMisc()
            guard reader.position == buffer.count else { throw reader.failure("content after the root element") }
            return root
        }
    }

    private func failure(_ what: String) -> CodecError {
        .unparseable("XML: \(what) at byte \(position)")
    }

    private func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private mutating func skipSpace() {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
    }

    /// Moves past the next `terminator`; fails if the document ends first.
    private mutating func skip(past terminator: StaticString) throws(CodecError) {
        while position < bytes.count {
            if starts(with: terminator) {
                position += terminator.utf8CodeUnitCount
                return
            }
            position += 1
        }
        throw failure("unterminated markup")
    }

    /// Whitespace, comments and processing instructions around the root element.
    private mutating func skipMisc() throws(CodecError) {
        while true {
            skipSpace()
            if starts(with: "<?") {
                try skip(past: "?>")
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<!") {
                throw failure("DOCTYPE not accepted")
            } else {
                return
            }
        }
    }

    private mutating func readName() throws(CodecError) -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=") {
                break
            }
            guard byte != UInt8(ascii: "<"), byte != UInt8(ascii: "&"), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "'") else {
                throw failure("bad character in name")
            }
            position += 1
        }
        guard position > start else { throw failure("expected a name") }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(CodecError) {
        guard position < bytes.count, bytes[position] == byte else { throw failure("expected \(what)") }
        position += 1
    }

    /// An element starting at its `<`, through its end tag.
    private mutating func readElement() throws(CodecError) -> XMLElementNode {
        elementsLeft -= 1
        guard elementsLeft >= 0 else { throw .tooManyValues(limit: maxElements) }
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("nesting too deep") }
        defer { depth -= 1 }
        try expect(UInt8(ascii: "<"), "'<'")
        var element = XMLElementNode(name: try readName())
        while true {
            skipSpace()
            guard position < bytes.count else { throw failure("unterminated start tag") }
            if bytes[position] == UInt8(ascii: "/") {
                position += 1
                try expect(UInt8(ascii: ">"), "'>'")
                return element
            }
            if bytes[position] == UInt8(ascii: ">") {
                position += 1
                break
            }
            let name = try readName()
            skipSpace()
            try expect(UInt8(ascii: "="), "'='")
            skipSpace()
            element.attributes.append((name, try readAttributeValue()))
        }
        try readContent(of: &element)
        return element
    }

    private mutating func readAttributeValue() throws(CodecError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            throw failure("expected a quoted attribute value")
        }
        let quote = bytes[position]
        position += 1
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == quote {
                position += 1
                try value.withUnsafeBufferPointer { (run) throws(CodecError) in try Self.checkCharacters(run) }
                return String(decoding: value, as: UTF8.self)
            }
            guard byte != UInt8(ascii: "<") else { throw failure("'<' in attribute value") }
            if byte == UInt8(ascii: "&") {
                try readReference(into: &value)
            } else {
                value.append(byte)
                position += 1
            }
        }
        throw failure("unterminated attribute value")
    }

    private mutating func readContent(of element: inout XMLElementNode) throws(CodecError) {
        var text: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "&") {
                try readReference(into: &text)
            } else if byte != UInt8(ascii: "<") {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<"), bytes[position] != UInt8(ascii: "&") {
                    position += 1
                }
                try Self.checkCharacters(UnsafeBufferPointer(rebasing: bytes[start..<position]))
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
            } else if starts(with: "</") {
                position += 2
                let name = try readName()
                guard name == element.name else { throw failure("end tag </\(name)> does not match <\(element.name)>") }
                skipSpace()
                try expect(UInt8(ascii: ">"), "'>'")
                element.text = String(decoding: text, as: UTF8.self)
                return
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<![CDATA[") {
                position += 9
                let start = position
                try skip(past: "]]>")
                try Self.checkCharacters(UnsafeBufferPointer(rebasing: bytes[start..<(position - 3)]))
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(position - 3)]))
            } else if starts(with: "<?") {
                try skip(past: "?>")
            } else {
                element.children.append(try readElement())
            }
        }
        throw failure("missing end tag </\(element.name)>")
    }

    /// `&amp;` and friends, `&#NN;`, `&#xHH;`; any other entity is an error (no DTD defines one).
    private mutating func readReference(into text: inout [UInt8]) throws(CodecError) {
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: ";"), position - start < 12 { position += 1 }
        guard position < bytes.count, bytes[position] == UInt8(ascii: ";") else { throw failure("bad reference") }
        let name = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        if name.first == UInt8(ascii: "#") {
            guard let scalar = Self.characterReference(UnsafeBufferPointer(rebasing: name.dropFirst())) else {
                throw failure("bad character reference")
            }
            appendScalar(scalar, to: &text)
            return
        }
        switch String(decoding: name, as: UTF8.self) {
        case "amp": text.append(UInt8(ascii: "&"))
        case "lt": text.append(UInt8(ascii: "<"))
        case "gt": text.append(UInt8(ascii: ">"))
        case "quot": text.append(UInt8(ascii: "\""))
        case "apos": text.append(UInt8(ascii: "'"))
        default: throw failure("unknown entity")
        }
    }

    /// Raw text holds XML 1.0 characters only: a C0 control other than tab, LF and CR, or U+FFFE/U+FFFF, makes the
    /// document not well-formed (a Java parser refuses it), and our writer would drop it when serving the record
    /// back (found by the instance-xml fuzz target).
    private static func checkCharacters(_ run: UnsafeBufferPointer<UInt8>) throws(CodecError) {
        for index in run.indices {
            let byte = run[index]
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                throw CodecError.unparseable("control character in XML text")
            }
            if byte == 0xEF, index + 2 < run.count, run[index + 1] == 0xBF, run[index + 2] >= 0xBE {
                throw CodecError.unparseable("U+FFFE or U+FFFF in XML text")
            }
        }
    }

    private static func characterReference(_ digits: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        var rest = digits[...]
        var radix: UInt32 = 10
        if rest.first == UInt8(ascii: "x") {
            radix = 16
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var value: UInt32 = 0
        for byte in rest {
            guard let digit = hexValue(byte), UInt32(digit) < radix else { return nil }
            value = value * radix + UInt32(digit)
            guard value <= 0x10FFFF else { return nil }
        }
        // Only references to XML 1.0 characters (`Char`): `&#30;` or `&#xFFFE;` is not well-formed, a Java parser
        // refuses it, and our writer could not give it back (found by the instance-xml fuzz target).
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return Unicode.Scalar(value)
        default: return nil
        }
    }
}
