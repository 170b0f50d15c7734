// SPDX-License-Identifier: MIT
//
// web/js/emergency.js: which descriptions make the agent console tell the
// agent to transfer the caller to 911, in English, Chinese and Spanish,
// and which ordinary 311 matters do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectEmergency } from '../../web/js/emergency.js';

const yes = (text, matches) => assert.deepEqual(detectEmergency(text),
    { emergency: true, matches }, text);
const no = (text) => assert.deepEqual(detectEmergency(text),
    { emergency: false, matches: [] }, text);

test('English emergencies are caught with the words that matched', () => {
    yes('There is a FIRE in the basement', ['fire']);
    yes('I smell gas in the hallway', ['smell gas']);
    yes('strong gas smell near the boiler', ['gas smell']);
    yes('Someone is hurt and not breathing', ['someone is hurt', 'is hurt',
        'not breathing']);
    yes("my neighbour can't breathe", ["can't breathe"]);
    yes('my neighbour can’t breathe', ["can't breathe"]);
    yes('car on fire, man injured', ['fire', 'on fire', 'injured']);
    yes('shots fired on 5th street', ['shots fired']);
    yes('a downed power line is sparking', ['downed power line']);
});

test('Chinese emergencies are caught', () => {
    yes('楼里着火了', ['着火']);
    yes('闻到很重的煤气味', ['煤气']);
    yes('发生火灾，有人受伤', ['火灾', '受伤']);
    yes('老人没有呼吸了', ['没有呼吸']);
});

test('Spanish emergencies are caught, with or without accents', () => {
    yes('Hay fuego en la cocina', ['fuego']);
    yes('un incendio en el edificio', ['incendio']);
    yes('huele a gas en la escalera', ['huele a gas']);
    yes('Mi vecino NO RESPIRA', ['no respira']);
    yes('hay un herido en la calle', ['herido']);
    yes('un hombre apuñalado', ['apunalado']);
    yes('ataque al corazón', ['ataque al corazon']);
});

test('ordinary 311 matters are not emergencies', () => {
    no('The fire hydrant on the corner is leaking');
    no('fire-hydrant open, kids playing');
    no('A car is parked in the fire lane');
    no('Rusty fire escape on the back of the building');
    no('Pothole in the right lane, about a foot wide');
    no('Loud fireworks every night after 11pm');
    no('La boca de incendio está abierta');
    no('消防栓漏水');
    no('路面有坑洞');
    no('');
    no(null);
});

test('words inside other words do not count', () => {
    no('The gunnels of the boat in the park pond');
    no('Bonfire smell');   // "bonfire" is not the word "fire"
    no('firewood left on the sidewalk');
    no('screenshot attached');
});
