import type { SdcProfile } from "../sdc/profile";

/** One setting of ACRO's config.json that is laxer than the permit's profile. */
export interface LaxerSetting {
  /** ACRO's name for it (`safe_threshold`, …). */
  setting: string;
  acro: number | boolean;
  profile: number | boolean;
}

/**
 * The settings of an ACRO session (its `config.json`, ACRO's `default.yaml` keys) that are laxer than the
 * permit's rule profile: a smaller threshold or residual df, a larger dominance share, a smaller p, zeros
 * not disclosive where they are. A setting that is missing or not a number is reported as laxer too, since
 * nothing says what ACRO applied. ACRO's verdicts under a laxer appetite say less than they seem to.
 */
export function laxerSettings(config: Record<string, unknown>, profile: SdcProfile): LaxerSetting[] {
  const rules: Array<[string, number | boolean, (acro: number | boolean) => boolean]> = [
    ["safe_threshold", profile.frequency.threshold, (v) => typeof v === "number" && v >= profile.frequency.threshold],
    [
      "safe_dof_threshold",
      profile.regression.minResidualDf,
      (v) => typeof v === "number" && v >= profile.regression.minResidualDf,
    ],
    [
      "safe_nk_n",
      profile.magnitude.nkDominance.n,
      (v) => typeof v === "number" && v <= profile.magnitude.nkDominance.n,
    ],
    [
      "safe_nk_k",
      profile.magnitude.nkDominance.k,
      (v) => typeof v === "number" && v <= profile.magnitude.nkDominance.k,
    ],
    ["safe_pratio_p", profile.magnitude.pRatio, (v) => typeof v === "number" && v >= profile.magnitude.pRatio],
    [
      "zeros_are_disclosive",
      profile.frequency.zerosDisclosive,
      (v) => typeof v === "boolean" && (v || !profile.frequency.zerosDisclosive),
    ],
  ];
  return rules.flatMap(([setting, ours, atLeastAsStrict]) => {
    const value = config[setting];
    const acro = typeof value === "number" || typeof value === "boolean" ? value : Number.NaN;
    return atLeastAsStrict(acro) ? [] : [{ setting, acro, profile: ours }];
  });
}
