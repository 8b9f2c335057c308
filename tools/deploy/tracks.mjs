// The tracks of the suite for the deploy tools: data/tracks.json (the one list of the tracks,
// their names and fixed ports; data/README.md), read and checked as CMake checks it
// (cmake/GovTrack.cmake), so that a mistake stops every generator with the same message.
//
//   import { TRACKS } from "./tracks.mjs";
//   TRACKS: [{ name, nameZh, title, grpcPort, metricsPort, rules }, ...] in the file's order
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const TRACKS_FILE = fileURLToPath(new URL("../../data/tracks.json", import.meta.url));

const FIELDS = {
  name: "string",
  nameZh: "string",
  title: "string",
  grpcPort: "number",
  metricsPort: "number",
  rules: "boolean",
};

// Reads and checks a tracks file; throws an Error naming the file and the entry.
export function loadTracks(file = TRACKS_FILE) {
  const fail = (message) => {
    throw new Error(`${file}: ${message} (its format: data/README.md)`);
  };
  let data;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    fail(`cannot be read: ${e.message}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    fail('the top level is not an object {"tracks": [...]}');
  }
  for (const key of Object.keys(data)) {
    if (key !== "tracks") fail(`unknown field "${key}" at the top level`);
  }
  if (!Array.isArray(data.tracks)) fail("tracks is not an array");
  if (data.tracks.length === 0) fail("tracks is empty");
  const names = new Set();
  const ports = new Set();
  return Object.freeze(
    data.tracks.map((t, i) => {
      const where = `tracks[${i}]`;
      if (t === null || typeof t !== "object" || Array.isArray(t)) {
        fail(`${where} is not an object`);
      }
      for (const key of Object.keys(t)) {
        if (!(key in FIELDS)) fail(`${where}: unknown field "${key}"`);
      }
      for (const [field, type] of Object.entries(FIELDS)) {
        if (!(field in t)) fail(`${where}.${field} is missing`);
        if (typeof t[field] !== type) fail(`${where}.${field} is not a ${type}`);
      }
      if (!/^[a-z][a-z0-9]*$/.test(t.name)) {
        fail(`${where}.name "${t.name}" is not lower-case letters and digits`);
      }
      if (names.has(t.name)) fail(`${where}.name: the track "${t.name}" is listed twice`);
      names.add(t.name);
      for (const field of ["nameZh", "title"]) {
        if (t[field] === "" || /[\n\r\t]/.test(t[field])) {
          fail(`${where}.${field} is empty or holds a line break or tab`);
        }
      }
      for (const field of ["grpcPort", "metricsPort"]) {
        const port = t[field];
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          fail(`${where}.${field} ${port} is not a port (1 to 65535)`);
        }
        if (ports.has(port)) fail(`${where}.${field}: port ${port} is listed twice`);
        ports.add(port);
      }
      return Object.freeze({ ...t });
    }),
  );
}

export const TRACKS = loadTracks();
