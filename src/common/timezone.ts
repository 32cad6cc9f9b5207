/**
 * IANA time zone names as Go's `time.LoadLocation` reads them: Velero's and Chaos Mesh's
 * `CRON_TZ=` prefixes, and any other zone a Go controller loads. Go looks a name up in the
 * tz database as a file name, so it is **case-sensitive** (`europe/berlin` fails where
 * `Europe/Berlin` works), and it knows only the database's names (no `PST`, no offsets).
 * JavaScript's `Intl` is more lenient on both counts, so it cannot be the check alone.
 *
 * Plain data and pure functions: the runtime and every pillar may use them.
 */
import type { Problem } from './errors';

/**
 * Every zone and link name of the tz database (release 2025b, which is in the public
 * domain), by area: the names Go's `time.LoadLocation` can load.
 */
const TZ_DATABASE: ReadonlyArray<readonly [string, string]> = [
  [
    'Africa',
    `Abidjan Accra Addis_Ababa Algiers Asmara Asmera Bamako Bangui Banjul Bissau Blantyre Brazzaville Bujumbura Cairo
   Casablanca Ceuta Conakry Dakar Dar_es_Salaam Djibouti Douala El_Aaiun Freetown Gaborone Harare Johannesburg Juba Kampala
   Khartoum Kigali Kinshasa Lagos Libreville Lome Luanda Lubumbashi Lusaka Malabo Maputo Maseru Mbabane Mogadishu Monrovia
   Nairobi Ndjamena Niamey Nouakchott Ouagadougou Porto-Novo Sao_Tome Timbuktu Tripoli Tunis Windhoek`,
  ],
  [
    'America',
    `Adak Anchorage Anguilla Antigua Araguaina Argentina/Buenos_Aires Argentina/Catamarca Argentina/ComodRivadavia
   Argentina/Cordoba Argentina/Jujuy Argentina/La_Rioja Argentina/Mendoza Argentina/Rio_Gallegos Argentina/Salta
   Argentina/San_Juan Argentina/San_Luis Argentina/Tucuman Argentina/Ushuaia Aruba Asuncion Atikokan Atka Bahia
   Bahia_Banderas Barbados Belem Belize Blanc-Sablon Boa_Vista Bogota Boise Buenos_Aires Cambridge_Bay Campo_Grande Cancun
   Caracas Catamarca Cayenne Cayman Chicago Chihuahua Ciudad_Juarez Coral_Harbour Cordoba Costa_Rica Coyhaique Creston
   Cuiaba Curacao Danmarkshavn Dawson Dawson_Creek Denver Detroit Dominica Edmonton Eirunepe El_Salvador Ensenada
   Fort_Nelson Fort_Wayne Fortaleza Glace_Bay Godthab Goose_Bay Grand_Turk Grenada Guadeloupe Guatemala Guayaquil Guyana
   Halifax Havana Hermosillo Indiana/Indianapolis Indiana/Knox Indiana/Marengo Indiana/Petersburg Indiana/Tell_City
   Indiana/Vevay Indiana/Vincennes Indiana/Winamac Indianapolis Inuvik Iqaluit Jamaica Jujuy Juneau Kentucky/Louisville
   Kentucky/Monticello Knox_IN Kralendijk La_Paz Lima Los_Angeles Louisville Lower_Princes Maceio Managua Manaus Marigot
   Martinique Matamoros Mazatlan Mendoza Menominee Merida Metlakatla Mexico_City Miquelon Moncton Monterrey Montevideo
   Montreal Montserrat Nassau New_York Nipigon Nome Noronha North_Dakota/Beulah North_Dakota/Center North_Dakota/New_Salem
   Nuuk Ojinaga Panama Pangnirtung Paramaribo Phoenix Port-au-Prince Port_of_Spain Porto_Acre Porto_Velho Puerto_Rico
   Punta_Arenas Rainy_River Rankin_Inlet Recife Regina Resolute Rio_Branco Rosario Santa_Isabel Santarem Santiago
   Santo_Domingo Sao_Paulo Scoresbysund Shiprock Sitka St_Barthelemy St_Johns St_Kitts St_Lucia St_Thomas St_Vincent
   Swift_Current Tegucigalpa Thule Thunder_Bay Tijuana Toronto Tortola Vancouver Virgin Whitehorse Winnipeg Yakutat
   Yellowknife`,
  ],
  ['Antarctica', `Casey Davis DumontDUrville Macquarie Mawson McMurdo Palmer Rothera South_Pole Syowa Troll Vostok`],
  ['Arctic', `Longyearbyen`],
  [
    'Asia',
    `Aden Almaty Amman Anadyr Aqtau Aqtobe Ashgabat Ashkhabad Atyrau Baghdad Bahrain Baku Bangkok Barnaul Beirut Bishkek
   Brunei Calcutta Chita Choibalsan Chongqing Chungking Colombo Dacca Damascus Dhaka Dili Dubai Dushanbe Famagusta Gaza
   Harbin Hebron Ho_Chi_Minh Hong_Kong Hovd Irkutsk Istanbul Jakarta Jayapura Jerusalem Kabul Kamchatka Karachi Kashgar
   Kathmandu Katmandu Khandyga Kolkata Krasnoyarsk Kuala_Lumpur Kuching Kuwait Macao Macau Magadan Makassar Manila Muscat
   Nicosia Novokuznetsk Novosibirsk Omsk Oral Phnom_Penh Pontianak Pyongyang Qatar Qostanay Qyzylorda Rangoon Riyadh Saigon
   Sakhalin Samarkand Seoul Shanghai Singapore Srednekolymsk Taipei Tashkent Tbilisi Tehran Tel_Aviv Thimbu Thimphu Tokyo
   Tomsk Ujung_Pandang Ulaanbaatar Ulan_Bator Urumqi Ust-Nera Vientiane Vladivostok Yakutsk Yangon Yekaterinburg Yerevan`,
  ],
  ['Atlantic', `Azores Bermuda Canary Cape_Verde Faeroe Faroe Jan_Mayen Madeira Reykjavik South_Georgia St_Helena Stanley`],
  [
    'Australia',
    `ACT Adelaide Brisbane Broken_Hill Canberra Currie Darwin Eucla Hobart LHI Lindeman Lord_Howe Melbourne NSW North Perth
   Queensland South Sydney Tasmania Victoria West Yancowinna`,
  ],
  ['Brazil', `Acre DeNoronha East West`],
  [
    '',
    `CET CST6CDT Cuba EET EST EST5EDT Egypt Eire Factory GB GB-Eire GMT GMT+0 GMT-0 GMT0 Greenwich HST Hongkong Iceland Iran
   Israel Jamaica Japan Kwajalein Libya MET MST MST7MDT NZ NZ-CHAT Navajo PRC PST8PDT Poland Portugal ROC ROK Singapore
   Turkey UCT UTC Universal W-SU WET Zulu`,
  ],
  ['Canada', `Atlantic Central Eastern Mountain Newfoundland Pacific Saskatchewan Yukon`],
  ['Chile', `Continental EasterIsland`],
  [
    'Etc',
    `GMT GMT+0 GMT+1 GMT+10 GMT+11 GMT+12 GMT+2 GMT+3 GMT+4 GMT+5 GMT+6 GMT+7 GMT+8 GMT+9 GMT-0 GMT-1 GMT-10 GMT-11 GMT-12
   GMT-13 GMT-14 GMT-2 GMT-3 GMT-4 GMT-5 GMT-6 GMT-7 GMT-8 GMT-9 GMT0 Greenwich UCT UTC Universal Zulu`,
  ],
  [
    'Europe',
    `Amsterdam Andorra Astrakhan Athens Belfast Belgrade Berlin Bratislava Brussels Bucharest Budapest Busingen Chisinau
   Copenhagen Dublin Gibraltar Guernsey Helsinki Isle_of_Man Istanbul Jersey Kaliningrad Kiev Kirov Kyiv Lisbon Ljubljana
   London Luxembourg Madrid Malta Mariehamn Minsk Monaco Moscow Nicosia Oslo Paris Podgorica Prague Riga Rome Samara
   San_Marino Sarajevo Saratov Simferopol Skopje Sofia Stockholm Tallinn Tirane Tiraspol Ulyanovsk Uzhgorod Vaduz Vatican
   Vienna Vilnius Volgograd Warsaw Zagreb Zaporozhye Zurich`,
  ],
  ['Indian', `Antananarivo Chagos Christmas Cocos Comoro Kerguelen Mahe Maldives Mauritius Mayotte Reunion`],
  ['Mexico', `BajaNorte BajaSur General`],
  [
    'Pacific',
    `Apia Auckland Bougainville Chatham Chuuk Easter Efate Enderbury Fakaofo Fiji Funafuti Galapagos Gambier Guadalcanal Guam
   Honolulu Johnston Kanton Kiritimati Kosrae Kwajalein Majuro Marquesas Midway Nauru Niue Norfolk Noumea Pago_Pago Palau
   Pitcairn Pohnpei Ponape Port_Moresby Rarotonga Saipan Samoa Tahiti Tarawa Tongatapu Truk Wake Wallis Yap`,
  ],
  ['US', `Alaska Aleutian Arizona Central East-Indiana Eastern Hawaii Indiana-Starke Michigan Mountain Pacific Samoa`],
];

/** The areas of the tz database's geographic names (a zone newer than the list above is accepted in these). */
const AREAS = new Set(['Africa', 'America', 'Antarctica', 'Arctic', 'Asia', 'Atlantic', 'Australia', 'Europe', 'Indian', 'Pacific']);

let names: Set<string> | undefined;
let byLowerCase: Map<string, string> | undefined;

function database(): { names: Set<string>; byLowerCase: Map<string, string> } {
  if (!names || !byLowerCase) {
    names = new Set();
    byLowerCase = new Map();
    for (const [area, list] of TZ_DATABASE) {
      for (const location of list.split(/\s+/)) {
        const name = area ? `${area}/${location}` : location;
        names.add(name);
        byLowerCase.set(name.toLowerCase(), name);
      }
    }
  }
  return { names, byLowerCase };
}

/** The zone's canonical name as `Intl` resolves it, or undefined when `Intl` does not know it. */
function intlZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** What is wrong with a time zone name, and how to fix it. */
export interface TimeZoneProblem {
  /** What is wrong, in one sentence. */
  readonly problem: string;
  /** How to fix it, in one sentence (a "did you mean" when the name is only mis-cased). */
  readonly fix: string;
}

const ZONE_FIX = 'use a tz database name, spelled exactly, such as "Europe/Berlin", "America/New_York" or "UTC"';

/**
 * Why Go's `time.LoadLocation` would refuse `zone` (or why its run times could not be
 * computed here), or undefined when the zone is fine. A mis-cased name gets a "did you mean".
 */
export function timeZoneProblem(zone: string): TimeZoneProblem | undefined {
  if (typeof zone !== 'string' || zone === '') return { problem: 'the time zone is empty', fix: ZONE_FIX };
  if (/\s/.test(zone)) return { problem: `time zone "${zone}" contains white space`, fix: ZONE_FIX };
  const db = database();
  const resolved = intlZone(zone);
  if (db.names.has(zone)) {
    if (resolved !== undefined) return undefined;
    return { problem: `time zone "${zone}" has no local time (its run times cannot be computed)`, fix: ZONE_FIX };
  }
  const exact = db.byLowerCase.get(zone.toLowerCase());
  if (exact !== undefined)
    return {
      problem: `time zone "${zone}" is not spelled as in the tz database; zone names are case-sensitive (Go's time.LoadLocation refuses "${zone}")`,
      fix: `did you mean ${exact}?`,
    };
  if (zone === 'Local')
    return {
      problem:
        '"Local" is the zone of the controller\'s own clock (Velero or Chaos Mesh), which the manifests cannot know (and the run times depend on)',
      fix: 'name the zone, such as "Europe/Berlin", or leave it out for UTC',
    };
  // A zone added to the tz database after the list above: Intl knows it under this very name.
  if (resolved === zone && AREAS.has(zone.split('/')[0])) return undefined;
  if (resolved !== undefined) {
    const suggestion = db.names.has(resolved) ? `use the tz database name "${resolved}"` : ZONE_FIX;
    return { problem: `"${zone}" is not a tz database name, so Go's time.LoadLocation refuses it`, fix: suggestion };
  }
  return { problem: `"${zone}" is not a known IANA time zone`, fix: ZONE_FIX };
}

/** Whether Go's `time.LoadLocation` loads `zone` (exactly as spelled) and its run times can be computed. */
export function isKnownTimeZone(zone: string): boolean {
  return timeZoneProblem(zone) === undefined;
}

/** Problems with a time zone name, reported at `field`. */
export function timeZoneProblems(field: string, zone: string): Problem[] {
  const p = timeZoneProblem(zone);
  return p ? [{ field, ...p }] : [];
}
