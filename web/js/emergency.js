// SPDX-License-Identifier: MIT
//
// Spots descriptions that read like an emergency (fire, gas, someone hurt
// or not breathing, a weapon) in English, Chinese and Spanish, so that the
// agent console can tell the agent to transfer the caller to 911 and the
// portal can tell the resident to call it. Pure: no DOM, no network;
// tested under node --test (tests/web/).
//
// It errs on the side of warning: a warning costs the agent a glance, a
// missed emergency costs far more. Phrases that name ordinary 311 matters
// ("fire hydrant", "fire escape") are removed before matching.

// Latin-script phrases, matched as whole words after lower-casing and
// removing accents.
const LATIN = [
    // English
    'fire', 'on fire', 'burning', 'flames', 'smoke', 'gas leak', 'gas smell',
    'smell gas', 'smells like gas', 'smell of gas', 'smelling gas',
    'carbon monoxide', 'explosion', 'exploded', 'someone hurt',
    'someone is hurt', 'person hurt', 'is hurt', 'are hurt', 'got hurt',
    'badly hurt', 'injured', 'bleeding', 'not breathing', 'stopped breathing',
    "can't breathe", 'cannot breathe', 'cant breathe', 'unconscious',
    'unresponsive', 'heart attack', 'chest pain', 'overdose', 'gun', 'shooting',
    'shots fired', 'stabbed', 'stabbing', 'knife', 'drowning', 'trapped',
    'collapsed', 'choking', 'seizure', 'downed power line', 'live wire',
    // Spanish (accents removed)
    'fuego', 'incendio', 'humo', 'se quema', 'quemando', 'llamas',
    'olor a gas', 'huele a gas', 'fuga de gas', 'escape de gas', 'explosion',
    'herido', 'herida', 'heridos', 'heridas', 'lastimado', 'sangrando',
    'no respira', 'no puede respirar', 'inconsciente', 'ataque al corazon',
    'infarto', 'sobredosis', 'disparo', 'disparos', 'balazo', 'pistola',
    'arma', 'apunalado', 'cuchillo', 'ahogando', 'ahogandose', 'atrapado',
    'atrapada', 'desmayado', 'desmayada', 'convulsion',
];

// Chinese phrases, matched as substrings.
const CJK = [
    '火灾', '着火', '失火', '起火', '冒烟', '浓烟', '火警', '煤气', '燃气泄漏',
    '燃气味', '天然气', '爆炸', '受伤', '流血', '出血', '不能呼吸', '没有呼吸',
    '没呼吸', '停止呼吸', '呼吸困难', '昏迷', '晕倒', '昏倒', '心脏病',
    '枪击', '开枪', '有枪', '持刀', '刀伤', '溺水', '被困', '救命',
];

// Ordinary 311 matters that contain an alarming word.
const HARMLESS = [
    /\bfire[\s-]*hydrants?\b/g, /\bfire[\s-]*escapes?\b/g, /\bfire\s*lanes?\b/g,
    /\bfire\s*alarm\s*inspections?\b/g, /\bboca(s)? de incendio(s)?\b/g,
    /\bhidrantes?\b/g, /\bsalida(s)? de incendio(s)?\b/g, /\bceasefire\b/g,
    /\bfireworks?\b/g, /\bno smoking\b/g,
];

// Lower case, accents removed, harmless phrases blanked.
function normalize(text) {
    let s = String(text ?? '').normalize('NFD').replace(/\p{M}/gu, '')
        .toLowerCase().replace(/[’‘]/g, "'");
    for (const re of HARMLESS)
        s = s.replace(re, ' ');
    return s;
}

function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const LATIN_RE = LATIN.map((p) => [p, new RegExp(
    `(^|[^\\p{L}\\p{N}])${escapeRe(p).replace(/ /g, '\\s+')}` +
    '(?=$|[^\\p{L}\\p{N}])', 'u')]);

// What in text reads like an emergency: { emergency, matches }, where
// matches lists the phrases found, in the order of the lists above.
export function detectEmergency(text) {
    const s = normalize(text);
    const matches = [];
    for (const [p, re] of LATIN_RE) {
        if (re.test(s))
            matches.push(p);
    }
    for (const p of CJK) {
        if (s.includes(p))
            matches.push(p);
    }
    return { emergency: matches.length > 0, matches };
}
