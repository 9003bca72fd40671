// The SPE platform in a cluster. Composition only: every part is a component in a file of its own.
// The UI has no part here: the orchestrator's image serves it (docs/architecture.md#the-parts,
// orchestrator/src/main.ts).
import { AdmissionPolicies } from "./admission-policies";
import { Orchestrator } from "./orchestrator";
import { OrchestratorAccess } from "./orchestrator-access";
import { OrchestratorSettings } from "./orchestrator-settings";
import { PlatformNamespace } from "./platform-namespace";
import { PlatformNetworkPolicies } from "./platform-network-policies";
import { readStackConfig } from "./stack-config";

const config = readStackConfig();

const platform = new PlatformNamespace("spe-system");
const namespace = platform.name;

new PlatformNetworkPolicies("spe-system", {
  namespace,
  network: config.network,
  staging: config.staging,
  metrics: config.metrics,
  notifications: config.notifications,
  packageMirror: config.packageMirror,
});
const access = new OrchestratorAccess("spe-orchestrator", { namespace });
new AdmissionPolicies("spe-admission", {
  namespace,
  imageRegistry: config.images.registry,
  admission: config.admission,
});
const settings = new OrchestratorSettings("spe-orchestrator", { namespace, config });
const orchestrator = new Orchestrator("orchestrator", {
  namespace,
  config,
  serviceAccountName: access.serviceAccountName,
  credentialsSecretName: settings.credentialsSecretName,
  filesConfigMapName: settings.filesConfigMapName,
});

export const platformNamespace = namespace;
export const orchestratorService = orchestrator.serviceName;
