// The sandbox's Slack-like client. It draws the workspace state the sandbox streams over
// the live channel, and asks the sandbox to act for the person (/ui/...); the sandbox
// turns those acts into the requests Slack would send the bot.
(function () {
  "use strict";

  const M = window.Mrkdwn;
  const BK = window.BlockKit;
  const esc = M.escapeHtml;

  const state = {
    identity: null,
    messages: new Map(), // ts -> message, in the DM with the app
    ephemerals: new Map(), // id -> ephemeral message
    home: null,
    modals: [],
    viewErrors: {},
    snippetTypes: {},
    selections: {}, // container key -> {block_id \0 action_id: value}
    tab: null,
    thread: null,
    highlight: null,
    unread: 0,
    routed: false,
  };

  const $ = (selector, rootNode) => (rootNode || document).querySelector(selector);

  // ---------------------------------------------------------------- requests to the sandbox

  async function post(path, body) {
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body || {}),
      });
      const answer = await response.json();
      if (!answer.ok && answer.error) toast(describeError(answer.error));
      return answer;
    } catch (error) {
      toast("The sandbox is not answering. Is it still running?");
      return { ok: false, error: "network" };
    }
  }

  function describeError(code) {
    const known = {
      dispatch_failed: "The app could not be reached (dispatch_failed).",
      operation_timeout: "The app did not answer within 3 seconds (operation_timeout).",
    };
    return known[code] || code;
  }

  function toast(text) {
    const node = document.createElement("div");
    node.className = "toast";
    node.setAttribute("role", "status");
    node.textContent = text;
    $("#toast-root").appendChild(node);
    setTimeout(() => node.remove(), 6000);
  }

  // ---------------------------------------------------------------- names, times, avatars

  function userNames() {
    const ident = state.identity || {};
    const names = {};
    names[ident.person_id] = ident.person_name;
    names[ident.bot_user_id] = ident.app_name;
    return names;
  }

  function formatTime(ts) {
    const date = new Date(Number(ts) * 1000);
    const hours = date.getHours();
    const minutes = String(date.getMinutes()).padStart(2, "0");
    return (hours % 12 || 12) + ":" + minutes + " " + (hours < 12 ? "AM" : "PM");
  }

  function authorOf(message) {
    const ident = state.identity;
    if (message.is_ephemeral && !message.from_bot) return { name: "Slackbot", kind: "slackbot" };
    if (message.is_ephemeral || message.bot_id || message.user === ident.bot_user_id) {
      return { name: ident.app_name, kind: "bot" };
    }
    if (message.user === "USLACKBOT") return { name: "Slackbot", kind: "slackbot" };
    return { name: ident.person_name, kind: "person" };
  }

  function avatarHtml(author) {
    if (author.kind === "bot") return '<span class="avatar avatar-bot" aria-hidden="true">IB</span>';
    if (author.kind === "slackbot") {
      return '<span class="avatar avatar-slackbot" aria-hidden="true">S</span>';
    }
    return '<span class="avatar avatar-person" aria-hidden="true">' +
      esc((author.name || "?").charAt(0).toUpperCase()) + "</span>";
  }

  // ---------------------------------------------------------------- messages

  function containerKey(kind, key) {
    return kind + ":" + key;
  }

  function renderOptions(kind, key) {
    return { users: userNames(), selections: state.selections[containerKey(kind, key)] || {} };
  }

  function fileHtml(file) {
    const size = file.size < 1024 ? file.size + " B" : (file.size / 1024).toFixed(1) + " KB";
    if (file.mode === "snippet") {
      const more = file.lines_more ? '<button type="button" class="link-button" data-expand-file="' +
        esc(file.id) + '">+ ' + file.lines_more + " more line" + (file.lines_more === 1 ? "" : "s") +
        "</button>" : "";
      return '<div class="file-card snippet" data-file-id="' + esc(file.id) + '">' +
        '<div class="file-head"><span class="file-icon">{ }</span><div><div class="file-title">' +
        esc(file.title || file.name) + '</div><div class="file-meta">' + esc(file.pretty_type) +
        " snippet · " + (file.lines || 0) + " line" + (file.lines === 1 ? "" : "s") + " · " +
        size + "</div></div></div>" +
        '<pre class="file-preview">' + esc(file.preview || "") + "</pre>" + more + "</div>";
    }
    return '<div class="file-card" data-file-id="' + esc(file.id) + '"><div class="file-head">' +
      '<span class="file-icon">📄</span><div><div class="file-title">' +
      '<a href="/ui/files/' + encodeURIComponent(file.id) + '" download>' + esc(file.name) +
      '</a></div><div class="file-meta">' + esc(file.pretty_type) + " · " + size +
      "</div></div></div></div>";
  }

  function contentHtml(message, kind, key) {
    if (message.subtype === "tombstone") {
      return '<div class="tombstone">This message was deleted.</div>';
    }
    const options = renderOptions(kind, key);
    let html = "";
    if (message.blocks && message.blocks.length) {
      html += BK.renderBlocks(message.blocks, options);
    } else if (message.text) {
      html += '<div class="message-text">' + M.mrkdwnToHtml(message.text, options) + "</div>";
    }
    if (message.attachments) html += BK.renderAttachments(message.attachments, options);
    if (message.edited) html += '<span class="edited">(edited)</span>';
    if (message.files) html += message.files.map(fileHtml).join("");
    return html;
  }

  function reactionsHtml(message) {
    if (!message.reactions) return "";
    return '<div class="reactions">' + message.reactions.map(function (reaction) {
      const char = M.emojiChar(reaction.name) || ":" + reaction.name + ":";
      return '<span class="reaction" title=":' + esc(reaction.name) + ':">' + esc(char) +
        " <b>" + reaction.count + "</b></span>";
    }).join("") + "</div>";
  }

  function threadSummaryHtml(message) {
    if (!message.reply_count) return "";
    const label = message.reply_count + (message.reply_count === 1 ? " reply" : " replies");
    return '<button type="button" class="thread-summary" data-open-thread="' + esc(message.ts) +
      '"><span class="thread-summary-link">' + label + '</span><span class="thread-summary-last">' +
      "Last reply " + formatTime(message.latest_reply || message.ts) + "</span></button>";
  }

  function messageHtml(message, options) {
    const ephemeral = !!message.is_ephemeral;
    const kind = ephemeral ? "ephemeral" : "message";
    const key = ephemeral ? message.id : message.ts;
    const author = authorOf(message);
    const badge = author.kind === "bot" ? '<span class="app-badge">APP</span>' : "";
    const ephemeralNote = ephemeral
      ? '<div class="ephemeral-note"><span class="eye">👁</span> Only visible to you · ' +
        '<button type="button" class="link-button" data-dismiss="' + esc(message.id) +
        '">Dismiss</button></div>' : "";
    const classes = ["message", "author-" + author.kind];
    if (ephemeral) classes.push("ephemeral");
    if (state.highlight === message.ts) classes.push("highlight");
    return '<div class="' + classes.join(" ") + '" data-ts="' + esc(message.ts) + '"' +
      (ephemeral ? ' data-ephemeral-id="' + esc(message.id) + '"' : "") + ">" +
      ephemeralNote + '<div class="message-row">' + avatarHtml(author) +
      '<div class="message-body"><div class="message-meta"><span class="author">' +
      esc(author.name) + "</span>" + badge + '<time class="timestamp" title="' +
      esc(new Date(Number(message.ts) * 1000).toString()) + '">' + formatTime(message.ts) +
      "</time></div>" + '<div class="message-content" data-container-kind="' + kind +
      '" data-container-key="' + esc(key) + '">' + contentHtml(message, kind, key) + "</div>" +
      reactionsHtml(message) + (options && options.inThread ? "" : threadSummaryHtml(message)) +
      "</div></div></div>";
  }

  function isTopLevel(message) {
    return !message.thread_ts || message.thread_ts === message.ts;
  }

  function byTs(a, b) {
    return Number(a.ts) - Number(b.ts);
  }

  function keepScroll(list, draw) {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const previous = list.scrollTop;
    draw();
    list.scrollTop = atBottom ? list.scrollHeight : previous;
  }

  function renderMessages() {
    const list = $("#message-list");
    const items = Array.from(state.messages.values()).filter(isTopLevel)
      .concat(Array.from(state.ephemerals.values()).filter((item) => !item.thread_ts))
      .sort(byTs);
    keepScroll(list, function () {
      list.innerHTML = items.length ? items.map((item) => messageHtml(item)).join("")
        : '<div class="conversation-intro">' + avatarHtml({ kind: "bot" }) +
          "<h2>Interview Bot</h2><p>This is the very beginning of your direct message history " +
          "with <b>Interview Bot</b>. Type <code>/start-interview</code> to begin, or open " +
          "the Home tab.</p></div>";
    });
  }

  function renderThread() {
    const pane = $("#thread-pane");
    const parent = state.thread && state.messages.get(state.thread);
    if (!parent || state.tab !== "messages") {
      pane.classList.add("hidden");
      return;
    }
    pane.classList.remove("hidden");
    const replies = Array.from(state.messages.values())
      .filter((item) => item.thread_ts === parent.ts && item.ts !== parent.ts)
      .concat(Array.from(state.ephemerals.values()).filter((item) => item.thread_ts === parent.ts))
      .sort(byTs);
    const list = $("#thread-list");
    keepScroll(list, function () {
      const count = parent.reply_count || 0;
      list.innerHTML = messageHtml(parent, { inThread: true }) +
        '<div class="thread-divider"><span>' + count + (count === 1 ? " reply" : " replies") +
        "</span></div>" + replies.map((item) => messageHtml(item, { inThread: true })).join("");
    });
  }

  function renderHome() {
    const node = $("#home-view");
    const view = state.home;
    if (!view) {
      node.innerHTML = '<p class="empty-state">Opening Home…</p>';
      return;
    }
    node.innerHTML = '<div class="view-content" data-container-kind="view" data-container-key="' +
      esc(view.id) + '">' + BK.renderBlocks(view.blocks, renderOptions("view", view.id)) + "</div>";
  }

  function renderUnread() {
    const badge = $("#unread-badge");
    badge.textContent = String(state.unread);
    badge.classList.toggle("hidden", !state.unread);
    $("#sidebar-app").classList.toggle("unread", state.unread > 0);
  }

  // ---------------------------------------------------------------- overlays

  function overlay(html, onKey) {
    const root = document.createElement("div");
    root.className = "overlay";
    root.innerHTML = html;
    $("#overlay-root").appendChild(root);
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && onKey) onKey();
    });
    return root;
  }

  function renderModals() {
    document.querySelectorAll(".overlay.view-overlay").forEach((node) => node.remove());
    const view = state.modals[state.modals.length - 1];
    if (!view) return;
    const options = renderOptions("view", view.id);
    options.errors = state.viewErrors[view.id] || {};
    const title = M.plainToHtml((view.title || {}).text || "");
    const close = esc((view.close || {}).text || "Cancel");
    const submit = view.submit
      ? '<button type="button" class="btn btn-primary" data-modal-submit>' +
        esc(view.submit.text) + "</button>" : "";
    const root = overlay('<div class="modal" role="dialog" aria-modal="true" aria-labelledby="' +
      "modal-title-" + esc(view.id) + '"><header class="modal-header"><h2 id="modal-title-' +
      esc(view.id) + '">' + title + '</h2><button type="button" class="icon-button" ' +
      'data-modal-close aria-label="Close">✕</button></header><div class="modal-body" ' +
      'data-container-kind="view" data-container-key="' + esc(view.id) + '">' +
      BK.renderBlocks(view.blocks, options) + '</div><footer class="modal-footer">' +
      '<button type="button" class="btn" data-modal-close>' + close + "</button>" + submit +
      "</footer></div>", () => closeModal(view.id));
    root.classList.add("view-overlay");
    root.dataset.viewId = view.id;
    const focusable = root.querySelector("[data-input], .btn-primary, [data-modal-close]");
    if (focusable) focusable.focus();
  }

  function closeModal(viewId) {
    post("/ui/views/" + encodeURIComponent(viewId) + "/close");
  }

  function submitModal(viewId, root) {
    const values = {};
    root.querySelectorAll("[data-input]").forEach(function (input) {
      const blockId = input.dataset.blockId;
      values[blockId] = values[blockId] || {};
      values[blockId][input.dataset.actionId] = input.value;
    });
    post("/ui/views/" + encodeURIComponent(viewId) + "/submit", { values: values });
  }

  function confirmDialog(confirm) {
    return new Promise(function (resolve) {
      const danger = confirm.style === "danger" ? " btn-danger" : " btn-primary";
      const root = overlay('<div class="modal confirm" role="alertdialog" aria-modal="true" ' +
        'aria-labelledby="confirm-title"><header class="modal-header"><h2 id="confirm-title">' +
        M.plainToHtml((confirm.title || {}).text || "Are you sure?") + "</h2></header>" +
        '<div class="modal-body">' + BK.textHtml(confirm.text || { type: "plain_text", text: "" },
          { users: userNames() }) + '</div><footer class="modal-footer">' +
        '<button type="button" class="btn" data-answer="no">' +
        esc((confirm.deny || {}).text || "Cancel") + "</button>" +
        '<button type="button" class="btn' + danger + '" data-answer="yes">' +
        esc((confirm.confirm || {}).text || "Yes") + "</button></footer></div>", () => finish(false));
      function finish(answer) {
        root.remove();
        resolve(answer);
      }
      root.addEventListener("click", function (event) {
        const button = event.target.closest("[data-answer]");
        if (button) finish(button.dataset.answer === "yes");
        else if (event.target === root) finish(false);
      });
      root.querySelector('[data-answer="yes"]').focus();
    });
  }

  function openSnippetDialog(threadTs) {
    const types = Object.entries(state.snippetTypes).map(function ([value, label]) {
      return '<option value="' + esc(value) + '"' + (value === "python" ? " selected" : "") + ">" +
        esc(label) + "</option>";
    }).join("");
    const where = threadTs ? "this thread" : "your DM with Interview Bot";
    const root = overlay('<form class="modal snippet-modal" role="dialog" aria-modal="true" ' +
      'aria-labelledby="snippet-title"><header class="modal-header"><h2 id="snippet-title">' +
      'Create a text snippet</h2><button type="button" class="icon-button" data-cancel ' +
      'aria-label="Close">✕</button></header><div class="modal-body">' +
      '<label class="field">Title <span class="bk-optional">(optional)</span>' +
      '<input name="title" type="text" placeholder="solution.py" autocomplete="off"></label>' +
      '<label class="field">Type<select name="filetype">' + types + "</select></label>" +
      '<label class="field">Content<textarea name="content" class="code-input" rows="12" ' +
      'spellcheck="false" placeholder="Paste or type your code"></textarea></label>' +
      '<label class="field">Message <span class="bk-optional">(optional)</span>' +
      '<input name="comment" type="text" placeholder="Add a message, if you’d like."></label>' +
      '<p class="snippet-where">Shares in ' + esc(where) + '.</p></div><footer class="modal-footer">' +
      '<button type="button" class="btn" data-cancel>Cancel</button>' +
      '<button type="submit" class="btn btn-primary">Create Snippet</button></footer></form>',
    () => root.remove());
    const form = root.querySelector("form");
    const content = form.elements.content;
    content.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        const start = content.selectionStart;
        content.setRangeText("    ", start, content.selectionEnd, "end");
      }
    });
    form.addEventListener("click", function (event) {
      if (event.target.closest("[data-cancel]")) root.remove();
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (!content.value.trim()) {
        content.focus();
        toast("A snippet needs some content.");
        return;
      }
      const answer = await post("/ui/snippets", {
        title: form.elements.title.value,
        filetype: form.elements.filetype.value,
        content: content.value,
        comment: form.elements.comment.value,
        thread_ts: threadTs,
      });
      if (answer.ok) root.remove();
    });
    form.elements.title.focus();
  }

  // ---------------------------------------------------------------- composer

  function mountComposer(slot, threadTsOf, placeholder) {
    const form = $("#composer-template").content.firstElementChild.cloneNode(true);
    const input = form.querySelector(".composer-input");
    const slashMenu = form.querySelector(".slash-menu");
    const attachMenu = form.querySelector(".attach-menu");
    const fileInput = form.querySelector(".file-input");
    input.placeholder = placeholder;
    slot.appendChild(form);

    function grow() {
      input.style.height = "auto";
      input.style.height = Math.min(input.scrollHeight, 240) + "px";
      const text = input.value;
      slashMenu.classList.toggle("hidden", !(text.startsWith("/") && !/\s/.test(text) &&
        "/start-interview".startsWith(text)));
    }

    async function send() {
      const text = input.value;
      if (!text.trim()) return;
      input.value = "";
      grow();
      await post("/ui/messages", { text: text, thread_ts: threadTsOf() });
    }

    input.addEventListener("input", grow);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (!slashMenu.classList.contains("hidden") && input.value !== "/start-interview") {
          input.value = "/start-interview ";
          grow();
          return;
        }
        send();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send();
    });
    slashMenu.addEventListener("click", function (event) {
      const option = event.target.closest("[data-command]");
      if (!option) return;
      input.value = option.dataset.command;
      grow();
      input.focus();
    });
    form.querySelector(".attach-button").addEventListener("click", function () {
      attachMenu.classList.toggle("hidden");
    });
    attachMenu.addEventListener("click", function (event) {
      const item = event.target.closest("[data-attach]");
      if (!item) return;
      attachMenu.classList.add("hidden");
      if (item.dataset.attach === "snippet") openSnippetDialog(threadTsOf());
      else fileInput.click();
    });
    fileInput.addEventListener("change", async function () {
      const file = fileInput.files[0];
      if (!file) return;
      const data = new FormData();
      data.append("file", file, file.name);
      const threadTs = threadTsOf();
      if (threadTs) data.append("thread_ts", threadTs);
      fileInput.value = "";
      const response = await fetch("/ui/uploads", { method: "POST", body: data });
      const answer = await response.json();
      if (!answer.ok) toast(answer.error || "Upload failed");
    });
    return input;
  }

  // ---------------------------------------------------------------- navigation

  function showTab(tab, options) {
    const changed = state.tab !== tab;
    state.tab = tab;
    document.querySelectorAll(".tab").forEach(function (button) {
      const active = button.dataset.tab === tab;
      button.classList.toggle("active", active);
      button.setAttribute("aria-selected", String(active));
    });
    $("#home-pane").classList.toggle("hidden", tab !== "home");
    $("#messages-pane").classList.toggle("hidden", tab !== "messages");
    if (tab === "messages") {
      state.unread = 0;
      renderUnread();
      const list = $("#message-list");
      if (changed) list.scrollTop = list.scrollHeight;
    }
    renderThread();
    // Slack sends app_home_opened every time the person opens one of the app's tabs.
    if (changed || (options && options.reopen)) post("/ui/tabs", { tab: tab });
  }

  function openThread(ts, highlightTs) {
    state.thread = ts;
    state.highlight = highlightTs || null;
    if (state.tab !== "messages") showTab("messages");
    renderMessages();
    renderThread();
    const target = highlightTs &&
      document.querySelector('#thread-list .message[data-ts="' + CSS.escape(highlightTs) + '"]');
    if (target) target.scrollIntoView({ block: "center" });
    const input = $("#thread-composer-slot .composer-input");
    if (input) input.focus();
  }

  function tsFromPermalink(segment) {
    const digits = segment.replace(/^p/, "");
    return digits.slice(0, -6) + "." + digits.slice(-6);
  }

  // Opens a permalink (/archives/D…/p…) at its message; false when it is no permalink.
  function route(url) {
    const match = /^\/archives\/([^/]+)\/(p\d{7,})$/.exec(url.pathname);
    if (!match) return false;
    const ts = tsFromPermalink(match[2]);
    const threadTs = url.searchParams.get("thread_ts");
    const message = state.messages.get(ts);
    if (threadTs) {
      openThread(threadTs, ts);
    } else if (message && message.reply_count) {
      openThread(ts, ts);
    } else {
      state.highlight = ts;
      showTab("messages");
      renderMessages();
      const node = document.querySelector('#message-list .message[data-ts="' + CSS.escape(ts) + '"]');
      if (node) node.scrollIntoView({ block: "center" });
    }
    return true;
  }

  // Links to Slack's client (slack://app…, permalinks) open in this page.
  function followLink(href) {
    let url;
    try {
      url = new URL(href, window.location.href);
    } catch (error) {
      return false;
    }
    if (url.protocol === "slack:") {
      const tab = url.searchParams.get("tab");
      showTab(tab === "home" || (url.hostname === "app" && !tab) ? "home" : "messages");
      return true;
    }
    if (url.origin === window.location.origin && url.pathname.startsWith("/archives/")) {
      window.history.pushState({}, "", url.pathname + url.search);
      return route(url);
    }
    return false;
  }

  // ---------------------------------------------------------------- interactions

  function forget(kind, key) {
    delete state.selections[containerKey(kind, key)];
  }

  async function runAction(control, value) {
    const container = control.closest("[data-container-kind]");
    if (!container) return;
    const kind = container.dataset.containerKind;
    const key = container.dataset.containerKey;
    if (control.dataset.confirm) {
      const confirmed = await confirmDialog(JSON.parse(control.dataset.confirm));
      if (!confirmed) return;
    }
    control.classList.add("is-busy");
    try {
      await post("/ui/actions", {
        container: { kind: kind, key: key },
        block_id: control.dataset.blockId,
        action_id: control.dataset.actionId,
        value: value,
      });
    } finally {
      control.classList.remove("is-busy");
    }
  }

  document.addEventListener("click", function (event) {
    const target = event.target;
    const tab = target.closest(".tab");
    if (tab) {
      showTab(tab.dataset.tab);
      return;
    }
    if (target.closest("#sidebar-app")) {
      event.preventDefault();
      showTab("messages");
      return;
    }
    if (target.closest("#close-thread")) {
      state.thread = null;
      state.highlight = null;
      renderThread();
      return;
    }
    const threadButton = target.closest("[data-open-thread]");
    if (threadButton) {
      openThread(threadButton.dataset.openThread);
      return;
    }
    const dismiss = target.closest("[data-dismiss]");
    if (dismiss) {
      post("/ui/ephemerals/" + encodeURIComponent(dismiss.dataset.dismiss) + "/dismiss");
      return;
    }
    const expand = target.closest("[data-expand-file]");
    if (expand) {
      const card = expand.closest(".file-card");
      fetch("/ui/files/" + encodeURIComponent(expand.dataset.expandFile))
        .then((response) => response.text())
        .then(function (text) {
          card.querySelector(".file-preview").textContent = text;
          expand.remove();
        });
      return;
    }
    const overlayRoot = target.closest(".view-overlay");
    if (overlayRoot && target.closest("[data-modal-close]")) {
      closeModal(overlayRoot.dataset.viewId);
      return;
    }
    if (overlayRoot && target.closest("[data-modal-submit]")) {
      submitModal(overlayRoot.dataset.viewId, overlayRoot);
      return;
    }
    const control = target.closest("[data-action-id]");
    if (control && (control.tagName === "BUTTON" || control.tagName === "A")) {
      event.preventDefault();
      if (control.tagName === "A") {
        const href = control.getAttribute("href");
        // A URL button opens its link and still sends block_actions, as in Slack.
        if (!followLink(href)) window.open(href, "_blank", "noopener");
      }
      runAction(control, control.dataset.value);
      return;
    }
    const link = target.closest("a[href]");
    if (link && !link.hasAttribute("download") && followLink(link.getAttribute("href"))) {
      event.preventDefault();
    }
    document.querySelectorAll(".attach-menu").forEach(function (menu) {
      if (!target.closest(".attach")) menu.classList.add("hidden");
    });
  });

  document.addEventListener("change", function (event) {
    const control = event.target.closest("select[data-action-id]");
    if (!control || control.hasAttribute("data-input")) return;
    const container = control.closest("[data-container-kind]");
    const value = control.value;
    if (control.classList.contains("bk-overflow")) {
      control.value = "";
    } else if (container) {
      const key = containerKey(container.dataset.containerKind, container.dataset.containerKey);
      state.selections[key] = state.selections[key] || {};
      state.selections[key][control.dataset.blockId + "\u0000" + control.dataset.actionId] = value;
    }
    runAction(control, value);
  });

  window.addEventListener("popstate", function () {
    route(new URL(window.location.href));
  });

  // ---------------------------------------------------------------- live channel

  function applySnapshot(update) {
    state.identity = update.identity;
    state.snippetTypes = update.snippet_types || {};
    state.messages = new Map();
    for (const message of update.messages) {
      if (message.channel === state.identity.dm_channel_id) state.messages.set(message.ts, message);
    }
    state.ephemerals = new Map(update.ephemerals.map((item) => [item.id, item]));
    state.home = update.home;
    state.modals = update.modals || [];
    $("#person-name").textContent = state.identity.person_name;
    $("#team-name").textContent = state.identity.team_name;
    renderMessages();
    renderHome();
    renderModals();
    if (!state.routed) {
      state.routed = true;
      if (!route(new URL(window.location.href))) showTab("home");
    } else {
      renderThread();
    }
  }

  function apply(update) {
    switch (update.type) {
      case "snapshot":
        applySnapshot(update);
        break;
      case "message": {
        const message = update.message;
        if (message.channel !== state.identity.dm_channel_id) break;
        const previous = state.messages.get(message.ts);
        if (previous && JSON.stringify(previous.blocks) !== JSON.stringify(message.blocks)) {
          forget("message", message.ts);
        }
        if (!previous && state.tab !== "messages" && isTopLevel(message) &&
            message.user === state.identity.bot_user_id) {
          state.unread += 1;
          renderUnread();
        }
        state.messages.set(message.ts, message);
        renderMessages();
        renderThread();
        break;
      }
      case "message_deleted":
        state.messages.delete(update.ts);
        forget("message", update.ts);
        renderMessages();
        renderThread();
        break;
      case "ephemeral":
        forget("ephemeral", update.ephemeral.id);
        state.ephemerals.set(update.ephemeral.id, update.ephemeral);
        renderMessages();
        renderThread();
        break;
      case "ephemeral_deleted":
        state.ephemerals.delete(update.id);
        forget("ephemeral", update.id);
        renderMessages();
        renderThread();
        break;
      case "home":
        forget("view", update.view.id);
        state.home = update.view;
        renderHome();
        break;
      case "modals":
        for (const view of state.modals) forget("view", view.id);
        state.modals = update.stack;
        renderModals();
        break;
      case "view_errors":
        state.viewErrors[update.view_id] = update.errors;
        renderModals();
        break;
      case "notice":
        toast(update.text);
        break;
      default:
        break;
    }
  }

  let retryDelay = 500;

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/ui/live");
    socket.addEventListener("open", function () {
      retryDelay = 500;
      $("#connection").classList.add("hidden");
      document.body.dataset.live = "true";
    });
    socket.addEventListener("message", function (event) {
      apply(JSON.parse(event.data));
    });
    socket.addEventListener("close", function () {
      document.body.dataset.live = "false";
      $("#connection").classList.remove("hidden");
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 8000);
    });
  }

  mountComposer($("#main-composer-slot"), () => null, "Message Interview Bot");
  mountComposer($("#thread-composer-slot"), () => state.thread, "Reply…");
  connect();
})();
