/**
 * Key schema of the subject index table, shared by the DynamoDB adapter and the stack that will create it.
 * Both key attributes are strings; there is no secondary index.
 *
 *   pk                              sk                          attribute
 *   <base64url of the 32-byte MAC>  <version id>#<row digest>   rows: the rows, delta varints (B)
 *   VERSION#<version id>            <manifest digest>           keys: the MAC and row digest of each
 *                                                                     subject item one `add` wrote (B)
 *
 * A subject item holds up to SUBJECT_ROWS_PER_ITEM rows of one MAC in one version; its row digest is the first
 * 12 bytes (base64url) of the SHA-256 of its `rows`, so writing the same rows again rewrites the same item.
 * base64url has no `#`, so the two kinds of pk never meet. A manifest item lists what one `add` wrote, and is
 * written before it: `clear` reads the version's manifest (one strongly consistent Query) and deletes
 * exactly those items, and a crash between the two writes leaves a manifest naming items that are not
 * there, never an item no manifest names.
 */
export const SUBJECT_INDEX_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Every key attribute, for `AttributeDefinitions`: both strings. */
export const SUBJECT_INDEX_TABLE_KEY_ATTRIBUTES = ['pk', 'sk'] as const;

export const SUBJECT_INDEX_MANIFEST_PREFIX = 'VERSION#';
export const SUBJECT_ROW_DIGEST_BYTES = 12;
/** At most 5 bytes a row below 2^35: 80 KB, well under DynamoDB's 400 KB item limit. */
export const SUBJECT_ROWS_PER_ITEM = 16_384;
/** 44 bytes a key (32-byte MAC + 12-byte row digest): 264 KB. */
export const SUBJECT_KEYS_PER_MANIFEST_ITEM = 6_000;
