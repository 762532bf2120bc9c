# METADATA
# title: Personal data in training data
# description: |
#   The gate scans the training data a model package names (CustomerMetadataProperties key
#   verdict:training-data) for PII, with a bounded sample for large objects, and passes the
#   counts as input.evidence.pii (null when the package names none):
#
#     {"source": "s3://.../train.csv", "format": "csv", "sampled": true,
#      "bytesScanned": 8388608, "totalBytes": 1073741824, "rowsScanned": 51234,
#      "summary": {"US_SSN": 3}, "columns": {"ssn": {"US_SSN": 3}}}
#
#   Each category of data.verdict.config.pii.categories found is one violation, with the
#   category's severity and the category as its reference (e.g. US_SSN), unless the AI-system
#   profile declares in personalData both a GDPR Art. 6(1) legal basis and masking, for that
#   category (personalData.categories lists the categories covered; without the list, all).
#   A profile without personalData declares nothing. Categories not configured are not checked.
# related_resources:
#   - description: Regulation (EU) 2016/679 (GDPR), Art. 5(1)(c) (data minimisation) and Art. 6(1) (lawfulness)
#     ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#   - description: Regulation (EU) 2024/1689, Art. 10(2) and 10(5) (data governance, personal data)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.pii

import data.verdict.lib.text

config := data.verdict.config.pii

evidence := input.evidence.pii if is_object(input.evidence.pii)

# METADATA
# title: Categories found in the training data, with their count
found[category] := n if {
	some category, n in evidence.summary
	is_number(n)
	n > 0
}

declaration := input.profile.personalData if is_object(input.profile.personalData)

# METADATA
# title: The profile declares a GDPR Art. 6(1) legal basis for the personal data
legal_basis_declared if declaration.legalBasis in config.legalBases

# METADATA
# title: The profile declares that the personal data are masked before training
masking_declared if declaration.masking == true

# METADATA
# title: Categories found that the declaration covers (without personalData.categories, all)
# scope: document
covered contains category if {
	legal_basis_declared
	masking_declared
	not is_array(object.get(declaration, "categories", null))
	some category, _ in found
}

covered contains category if {
	legal_basis_declared
	masking_declared
	some category in declaration.categories
}

# METADATA
# title: What the declaration lacks (categories - it does not list the category)
# scope: document
default declaration_gap := "categories"

declaration_gap := "personal_data" if {
	not declaration
} else := "legal_basis" if {
	not legal_basis_declared
} else := "masking" if {
	not masking_declared
}

gaps := {
	"personal_data": "the AI-system profile declares nothing about personal data (personalData)",
	"legal_basis": "the AI-system profile declares no GDPR Art. 6(1) legal basis (personalData.legalBasis)",
	"masking": "the AI-system profile does not declare that they are masked (personalData.masking)",
}

gdpr := concat(" ", [
	"Personal data in training data needs a legal basis (GDPR Art. 6(1))",
	"and must be limited to what is necessary (GDPR Art. 5(1)(c)).",
])

# METADATA
# title: Unmasked PII of a configured category without a declared legal basis and masking
# custom:
#   reference: the category, e.g. US_SSN
violations contains violation if {
	some category, n in found
	setting := config.categories[category]
	not category in covered
	gap := object.get(
		gaps,
		declaration_gap,
		sprintf("the AI-system profile's declaration (personalData.categories) does not cover %s", [category]),
	)
	where := column_phrase(columns_with[category])
	violation := {
		"rule": setting.rule,
		"severity": setting.severity,
		"message": sprintf(
			"The training data %s holds %s %s (%s)%s%s; %s. %s",
			[text.of(evidence.source), text.of(n), setting.title, category, where, sample_note, gap, gdpr],
		),
		"reference": category,
		"remediation": config.remediation,
	}
}

default sample_note := ""

sample_note := sprintf(" in a sample of %s of its %s bytes", [
	text.of(evidence.bytesScanned),
	text.of(evidence.totalBytes),
]) if {
	evidence.sampled == true
}

# The columns holding each category found, sorted.
columns_with[category] := sort([column |
	some column, counts in object.get(evidence, "columns", {})
	counts[category] > 0
]) if {
	some category, _ in found
}

column_phrase(names) := "" if count(names) == 0

column_phrase(names) := sprintf(" in column %s", names) if count(names) == 1

column_phrase(names) := sprintf(" in columns %s", [concat(", ", names)]) if count(names) > 1
