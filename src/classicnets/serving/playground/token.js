// The token of a server started with --auth-token-file, shared by the playground and the API page: given once in
// the address as #token=TOKEN (the part after # never reaches a server or its log), kept for this tab only and
// taken out of the address.
"use strict";

const TOKEN_KEY = "classicnets-token";

function takeToken() {
  if (!location.hash.startsWith("#token=")) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(location.hash.slice("#token=".length)));
  history.replaceState(null, "", location.pathname + location.search);
}

// Request headers: the token's, and a JSON content type for a body.
function apiHeaders(json) {
  const headers = json ? { "Content-Type": "application/json" } : {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}
