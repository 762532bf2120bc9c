package dev.verdict.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.event.ruler.Machine;

/**
 * Reads a JSON array of {"pattern": ..., "event": ...} cases on stdin and writes a JSON array with, per case,
 * {"matches": true|false} or {"error": "..."} when Event Ruler refuses the pattern or the event.
 * Matching uses rulesForJSONEvent, which keeps array consistency the way EventBridge does.
 */
public final class EventRulerOracle {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode cases = json.readTree(System.in);
    ArrayNode results = json.createArrayNode();
    for (JsonNode testCase : cases) {
      ObjectNode result = results.addObject();
      try {
        Machine machine = new Machine();
        machine.addRule("case", json.writeValueAsString(testCase.get("pattern")));
        boolean matches = !machine.rulesForJSONEvent(json.writeValueAsString(testCase.get("event"))).isEmpty();
        result.put("matches", matches);
      } catch (Exception e) {
        result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    json.writeValue(System.out, results);
  }
}
