/**
 * Parses XML with a real parser (Python's xml.etree, which the test environment has) into a plain tree:
 * the JUnit reports are checked as a CI system reads them, not by matching text.
 */
import { execFileSync } from 'node:child_process';

export interface XmlElement {
  tag: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const PARSE = `
import json, sys, xml.etree.ElementTree as ET
def tree(e):
    return {"tag": e.tag, "attributes": dict(e.attrib), "text": e.text or "", "children": [tree(c) for c in e]}
print(json.dumps(tree(ET.fromstring(sys.stdin.buffer.read()))))
`;

/** The document's root element; throws (with the parser's message) when it is not well-formed XML. */
export function parseXml(xml: string): XmlElement {
  return JSON.parse(execFileSync('python3', ['-c', PARSE], { input: xml, encoding: 'utf8' })) as XmlElement;
}

/** Every element under (and including) `root` with this tag, in document order. */
export function elements(root: XmlElement, tag: string): XmlElement[] {
  return [...(root.tag === tag ? [root] : []), ...root.children.flatMap((c) => elements(c, tag))];
}
