// SPDX-License-Identifier: MIT
//
// Validates responses against the Open311 GeoReport v2 JSON Schemas kept in
// the shared data directory. Each schema is registered under its file name
// so that "$ref": "service.json" resolves. The schemas do not all state the
// top-level type, so validate() also checks it.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from './server.mjs';

// The shared directory: $CIVIC311_SHARED, else ../shared beside the repo.
export function sharedDir() {
    const candidates = [
        process.env.CIVIC311_SHARED,
        path.resolve(repoRoot, '..', 'shared'),
        path.resolve(repoRoot, '..', '..', 'shared'),
    ].filter(Boolean);
    for (const c of candidates) {
        if (fs.existsSync(path.join(c, 'data', 'open311')))
            return c;
    }
    throw new Error('shared data not found; tried ' + candidates.join(', ') +
        ' (set CIVIC311_SHARED)');
}

export const open311Dir = () => path.join(sharedDir(), 'data', 'open311');

const schemaDir = () =>
    path.join(open311Dir(), 'schema-validation-georeport-v2');

const TOP_TYPES = {
    'services.json': 'array',
    'service.json': 'object',
    'service-definition.json': 'object',
    'requests.json': 'array',
    'request.json': 'object',
};

let ajv;

function load() {
    if (ajv)
        return ajv;
    const a = new Ajv({ allErrors: true, strict: false });
    addFormats(a);
    for (const name of Object.keys(TOP_TYPES)) {
        const schema = JSON.parse(
            fs.readFileSync(path.join(schemaDir(), name), 'utf8'));
        schema.$id = name;
        a.addSchema(schema, name);
    }
    ajv = a;
    return ajv;
}

function typeOf(v) {
    if (Array.isArray(v))
        return 'array';
    return v === null ? 'null' : typeof v;
}

// Returns a list of problems (empty when data is valid against `name`).
export function validate(name, data) {
    const a = load();
    const problems = [];
    if (typeOf(data) !== TOP_TYPES[name])
        problems.push(`top level is ${typeOf(data)}, not ${TOP_TYPES[name]}`);
    const check = a.getSchema(name);
    if (!check(data))
        for (const e of check.errors)
            problems.push(`${e.instancePath || '/'} ${e.message}`);
    return problems;
}
