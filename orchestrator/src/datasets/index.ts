// What other parts of the orchestrator (the delivery API, staging, the data-loader) use of the data pipeline.
export { CATALOGUE_DIR, findDataset, loadCatalogue } from "./catalogue";
export { COLUMN_ROLES, datasetDescriptorSchema, outputColumnName, parseDescriptor } from "./descriptor";
export type { ColumnDescriptor, ColumnRole, DatasetDescriptor } from "./descriptor";
export { DEFAULT_MAX_DELIVERY_BYTES } from "./extract-file";
export { describeIssues, ExtractRejectedError } from "./extract-issues";
export type { ExtractIssue, ExtractIssueCode, ExtractReport } from "./extract-issues";
export type { DeliveryManifest, ManifestColumn } from "./manifest";
export { IDENTIFIER_PROBLEMS, parseIdentifier } from "./personnummer";
export type { IdentifierProblem, ParsedIdentifier } from "./personnummer";
export { derivePermitKey, parseMasterKey, pseudonymOf, readMasterKeyFile } from "./pseudonym-key";
export { pseudonymiseExtract } from "./pseudonymise-extract";
export type { PseudonymiseExtractOptions } from "./pseudonymise-extract";
export { synthRegisterCsv } from "./synth-register";
export { DEFAULT_FIRST_ROWS, validateExtract } from "./validate-extract";
export type { ValidateExtractOptions } from "./validate-extract";
