// A synthetic Patientregistret extract (in-patient and specialised out-patient care, one row per care
// episode) in the shape Socialstyrelsen delivers: `;`-separated UTF-8 CSV, upper-case variable names, dates
// as YYYYMMDD, codes as strings with leading zeros. Matches catalogue/patientregistret.yaml (2026-09).
import { luhnCheckDigit } from "./personnummer";
import { SeededRandom } from "./seeded-random";

export const SYNTH_REGISTER_COLUMNS = [
  "PERSONNR",
  "NAMN",
  "KON",
  "FODELSEDATUM",
  "ALDER",
  "LAN",
  "KOMMUN",
  "SJUKHUS",
  "MVO",
  "INDATUM",
  "UTDATUM",
  "HDIA",
  "DIA1",
  "DIA2",
  "OP1",
] as const;

// County (län) codes with a few municipality (kommun) codes each, weighted roughly by population.
const COUNTIES: [string, string[], number][] = [
  ["01", ["0180", "0114", "0127", "0182", "0184"], 24],
  ["03", ["0380", "0381"], 4],
  ["04", ["0480", "0484"], 3],
  ["05", ["0580", "0581"], 5],
  ["06", ["0680", "0683"], 4],
  ["07", ["0780"], 2],
  ["08", ["0880", "0882"], 2],
  ["09", ["0980"], 1],
  ["10", ["1080"], 2],
  ["12", ["1280", "1281", "1283"], 14],
  ["13", ["1380", "1382"], 3],
  ["14", ["1480", "1484", "1490"], 17],
  ["17", ["1780"], 3],
  ["18", ["1880"], 3],
  ["19", ["1980"], 3],
  ["20", ["2080", "2081"], 3],
  ["21", ["2180"], 3],
  ["22", ["2281"], 2],
  ["23", ["2380"], 1],
  ["24", ["2480"], 3],
  ["25", ["2580"], 2],
];

// ICD-10-SE main diagnoses, weighted; stroke (I61, I63, I64), myocardial infarction (I21) and lipid
// disorders (E78, the indication for statins) are common enough for a demo study.
const DIAGNOSES = weighted<string>([
  ["I63.9", 6],
  ["I63.5", 3],
  ["I61.9", 2],
  ["I64", 2],
  ["I21.0", 2],
  ["I21.4", 4],
  ["I21.9", 3],
  ["I25.1", 4],
  ["I48.9", 5],
  ["I50.9", 5],
  ["I10", 6],
  ["E78.0", 3],
  ["E78.5", 2],
  ["E11.9", 5],
  ["C10.9", 1],
  ["C18.7", 1],
  ["C34.1", 1],
  ["C50.9", 2],
  ["C61", 2],
  ["J18.9", 6],
  ["J44.1", 3],
  ["K35.8", 2],
  ["K80.2", 2],
  ["S72.0", 3],
  ["S06.0", 2],
  ["F32.9", 3],
  ["N39.0", 4],
  ["O80", 2],
  ["Z51.1", 2],
  ["R07.4", 4],
]);
const PROCEDURES = ["FNG05", "FNG02", "NFB49", "NFJ59", "JFB96", "AAD05", "DT016", "TFE00"];
const SPECIALTIES = weighted<string>([
  ["101", 8],
  ["107", 4],
  ["201", 4],
  ["301", 3],
  ["451", 2],
  ["521", 1],
  ["031", 1],
  ["221", 1],
]);
const COUNTY_PICKS = weighted(
  COUNTIES.map(([code, municipalities, weight]) => [{ code, municipalities }, weight] as const),
);
const MALE = [
  "Erik",
  "Lars",
  "Karl",
  "Anders",
  "Johan",
  "Per",
  "Nils",
  "Mikael",
  "Jan",
  "Hans",
  "Oskar",
  "Ali",
  "Mohammed",
  "Björn",
];
const FEMALE = [
  "Anna",
  "Eva",
  "Maria",
  "Karin",
  "Sara",
  "Kristina",
  "Lena",
  "Emma",
  "Ingrid",
  "Elin",
  "Fatima",
  "Åsa",
  "Märta",
  "Sofia",
];
const SURNAMES = [
  "Andersson",
  "Johansson",
  "Karlsson",
  "Nilsson",
  "Eriksson",
  "Larsson",
  "Olsson",
  "Persson",
  "Svensson",
  "Gustafsson",
  "Lindström",
  "Åberg",
  "Öberg",
  "Hassan",
  "Lindqvist",
];

const DAY_MS = 86_400_000;
const EPOCH_YEAR = 1900;
const FIRST_EPISODE = daysSince1900(2015, 1, 1);
const LAST_EPISODE = daysSince1900(2025, 12, 31);
/** "YYYYMMDD" of every day since 1900-01-01 up to the last episode's discharge: one lookup per date. */
const DATES = Array.from({ length: LAST_EPISODE + 60 }, (_, d) =>
  new Date(Date.UTC(EPOCH_YEAR, 0, 1) + d * DAY_MS).toISOString().slice(0, 10).replaceAll("-", ""),
);

export interface SynthRegisterOptions {
  rows: number;
  seed: number;
  /** Rows per yielded piece of text. */
  rowsPerChunk?: number;
}

/**
 * Yields a synthetic Patientregistret extract as CSV text: the header, then `rows` care episodes, person by
 * person. Deterministic for a seed. Most people have a few episodes, a few have very many; about 3 % carry
 * a samordningsnummer; sex agrees with the personnummer's ninth digit.
 */
export function* synthRegisterCsv({ rows, seed, rowsPerChunk = 4096 }: SynthRegisterOptions): Generator<string> {
  const random = new SeededRandom(seed);
  let lines: string[] = [SYNTH_REGISTER_COLUMNS.join(";")];
  let written = 0;
  while (written < rows) {
    const person = newPerson(random);
    const episodes = Math.min(rows - written, episodeCount(random));
    let day = person.born > FIRST_EPISODE ? person.born : FIRST_EPISODE;
    const step = Math.max(1, Math.floor((LAST_EPISODE - day) / (episodes + 1)));
    for (let i = 0; i < episodes; i++) {
      day = Math.min(LAST_EPISODE, day + 1 + random.below(step));
      lines.push(episode(random, person, day));
      if (lines.length >= rowsPerChunk) {
        yield lines.join("\n") + "\n";
        lines = [];
      }
    }
    written += episodes;
  }
  if (lines.length > 0) yield lines.join("\n") + "\n";
}

interface Person {
  id: string;
  name: string;
  sex: "1" | "2";
  born: number;
  birthDate: string;
  county: { code: string; municipalities: string[] };
  municipality: string;
}

function newPerson(random: SeededRandom): Person {
  // Patients are mostly old: ages skew towards 60–90, up to 104.
  const age = Math.floor(105 * Math.pow(random.next(), 0.55));
  const born = Math.max(0, LAST_EPISODE - age * 365 - random.below(365));
  const birthDate = DATES[born]!;
  const male = random.next() < 0.5;
  // The serial's last digit is odd for men, even for women.
  const serial = String(random.below(500) * 2 + (male ? 1 : 0)).padStart(3, "0");
  const coordination = random.next() < 0.03;
  const day = coordination ? String(Number(birthDate.slice(6)) + 60) : birthDate.slice(6);
  const first9 = birthDate.slice(2, 6) + day + serial;
  const county = COUNTY_PICKS[random.below(COUNTY_PICKS.length)]!;
  return {
    id: birthDate.slice(0, 6) + day + serial + luhnCheckDigit(first9),
    name: `${random.pick(male ? MALE : FEMALE)} ${random.pick(SURNAMES)}`,
    sex: male ? "1" : "2",
    born,
    birthDate,
    county,
    municipality: random.pick(county.municipalities),
  };
}

/** Mostly one to a handful; one person in a thousand has between 50 and 300 episodes. */
function episodeCount(random: SeededRandom): number {
  if (random.next() < 0.001) return 50 + random.below(251);
  return 1 + Math.floor(-Math.log(1 - random.next()) * 2.5);
}

function episode(random: SeededRandom, p: Person, admitted: number): string {
  const inpatient = random.next() < 0.75;
  const discharged = inpatient ? DATES[admitted + random.below(random.next() < 0.9 ? 8 : 45)] : "";
  const age = Math.floor((admitted - p.born) / 365.25);
  const dia1 = random.next() < 0.45 ? DIAGNOSES[random.below(DIAGNOSES.length)] : "";
  const dia2 = dia1 && random.next() < 0.4 ? DIAGNOSES[random.below(DIAGNOSES.length)] : "";
  const op = random.next() < 0.2 ? random.pick(PROCEDURES) : "";
  const hospital = `${p.county.code}0${random.below(3) + 1}${random.below(10)}`;
  return `${p.id};${p.name};${p.sex};${p.birthDate};${age};${p.county.code};${p.municipality};${hospital};${SPECIALTIES[random.below(SPECIALTIES.length)]};${DATES[admitted]};${discharged};${DIAGNOSES[random.below(DIAGNOSES.length)]};${dia1};${dia2};${op}`;
}

function weighted<T>(entries: readonly (readonly [T, number])[]): T[] {
  return entries.flatMap(([item, weight]) => Array<T>(weight).fill(item));
}

function daysSince1900(year: number, month: number, day: number): number {
  return (Date.UTC(year, month - 1, day) - Date.UTC(EPOCH_YEAR, 0, 1)) / DAY_MS;
}
