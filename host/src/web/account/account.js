// The account pages: each form posts JSON to the platform API.
"use strict";

const params = new URLSearchParams(location.search);
const page = location.pathname.replace(/^\/account\/?/, "").replace(/\/$/, "") || "signin";
const note = document.getElementById("note");

function show(id) {
  document.querySelectorAll("section").forEach((s) => s.classList.toggle("shown", s.id === id));
}

function tell(text, isError) {
  note.textContent = text;
  note.className = isError ? "note error" : "note";
  note.hidden = false;
}

async function call(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  let answer = null;
  try { answer = await response.json(); } catch (_) { /* no body */ }
  if (!response.ok) {
    throw new Error((answer && answer.error && answer.error.message) || "Something went wrong (" + response.status + ")");
  }
  return answer;
}

function fields(form) {
  const body = {};
  new FormData(form).forEach((value, key) => { if (value !== "") body[key] = value; });
  return body;
}

/// Only paths on this site, so a link cannot send people elsewhere.
function next() {
  const target = params.get("next") || "/";
  return target.startsWith("/") && !target.startsWith("//") && !target.includes("\\") ? target : "/";
}

const actions = {
  async signin(body) {
    await call("/api/auth/login", { email: body.email, password: body.password, session: "browser" });
    location.assign(next());
  },
  async signup(body) {
    const created = await call("/api/auth/signup", body);
    if (created.email_verified) {
      show("signin");
      document.getElementById("signin-email").value = created.email;
      tell("Your account is ready. Sign in.");
    } else {
      tell("Almost there: we have mailed " + created.email + " a link to confirm the address.");
    }
  },
  async "reset-confirm"(body) {
    await call("/api/auth/password-reset/confirm", body);
    show("signin");
    tell("Your new password is saved. Sign in.");
  },
  async "reset-request"(body) {
    await call("/api/auth/password-reset", body);
    tell("If that address has an account, a link is on its way.");
  },
  async request(body) {
    await call("/api/access-requests", body);
    tell("Thank you. Confirm your email address with the link we mailed you; the property management will decide on your request.");
  },
};

document.querySelectorAll("form").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await actions[form.dataset.action](fields(form));
    } catch (error) {
      tell(error.message, true);
    }
  });
});

async function start() {
  if (page === "signup") {
    show("signup");
    if (params.get("code")) document.getElementById("signup-code").value = params.get("code");
    if (params.get("invitation")) {
      document.querySelector("[name=invitation]").value = params.get("invitation");
      document.getElementById("signup-code").parentNode.removeChild(document.getElementById("signup-code"));
      document.getElementById("signup-email").removeAttribute("required");
      tell("You were invited. Your account gets the address the invitation was sent to.");
    }
  } else if (page === "verify") {
    show("verify");
    try {
      await call("/api/auth/verify-email", { token: params.get("token") || "" });
      show("signin");
      tell("Your email address is confirmed. Sign in.");
    } catch (error) {
      tell(error.message, true);
    }
  } else if (page === "reset") {
    if (params.get("token")) {
      show("reset");
      document.querySelector("#reset [name=token]").value = params.get("token");
    } else {
      show("forgot");
    }
  } else if (page === "request") {
    show("request");
  } else {
    show("signin");
  }
}

start();
