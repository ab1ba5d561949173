// Slack's mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ``` blocks ```, > quotes,
// <url|label> links, <@U…> mentions, <!date^…|fallback>, &amp;-escapes and :emoji:.
// Pure functions that return HTML strings, usable in the page and in Node for tests.
(function (root) {
  "use strict";

  // Shortcodes Slack shows as these characters; unknown ones stay as typed, as in Slack.
  const EMOJI = {
    "+1": "👍", "-1": "👎", thumbsup: "👍", thumbsdown: "👎", wave: "👋", tada: "🎉",
    white_check_mark: "✅", heavy_check_mark: "✔️", ballot_box_with_check: "☑️",
    x: "❌", negative_squared_cross_mark: "❎", warning: "⚠️", no_entry: "⛔",
    no_entry_sign: "🚫", exclamation: "❗", question: "❓", bangbang: "‼️",
    hourglass: "⌛", hourglass_flowing_sand: "⏳", alarm_clock: "⏰", stopwatch: "⏱️",
    timer_clock: "⏲️", clock1: "🕐", clock2: "🕑", clock3: "🕒", clock4: "🕓", clock5: "🕔",
    clock6: "🕕", clock7: "🕖", clock8: "🕗", clock9: "🕘", clock10: "🕙", clock11: "🕚",
    clock12: "🕛", star: "⭐", star2: "🌟", sparkles: "✨", dizzy: "💫", rocket: "🚀",
    bulb: "💡", memo: "📝", pencil: "📝", pencil2: "✏️", trophy: "🏆", medal: "🏅",
    sports_medal: "🏅", first_place_medal: "🥇", second_place_medal: "🥈",
    third_place_medal: "🥉", speech_balloon: "💬", thought_balloon: "💭",
    computer: "💻", keyboard: "⌨️", desktop_computer: "🖥️", chart_with_upwards_trend: "📈",
    chart_with_downwards_trend: "📉", bar_chart: "📊", clipboard: "📋", pushpin: "📌",
    round_pushpin: "📍", paperclip: "📎", link: "🔗", lock: "🔒", unlock: "🔓", key: "🔑",
    mag: "🔍", mag_right: "🔎", books: "📚", book: "📖", notebook: "📓", ledger: "📒",
    page_facing_up: "📄", scroll: "📜", calendar: "📆", date: "📅", spiral_calendar_pad: "🗓️",
    inbox_tray: "📥", outbox_tray: "📤", package: "📦", email: "📧", envelope: "✉️",
    bell: "🔔", no_bell: "🔕", loudspeaker: "📢", mega: "📣", fire: "🔥", zap: "⚡",
    boom: "💥", collision: "💥", muscle: "💪", clap: "👏", raised_hands: "🙌", pray: "🙏",
    point_right: "👉", point_left: "👈", point_up: "☝️", point_down: "👇", ok_hand: "👌",
    eyes: "👀", brain: "🧠", robot_face: "🤖", robot: "🤖", smile: "😄", smiley: "😃",
    grinning: "😀", slightly_smiling_face: "🙂", simple_smile: "🙂", wink: "😉", blush: "😊",
    thinking_face: "🤔", thinking: "🤔", sweat_smile: "😅", joy: "😂", pensive: "😔",
    confused: "😕", disappointed: "😞", cry: "😢", sob: "😭", scream: "😱",
    sunglasses: "😎", nerd_face: "🤓", partying_face: "🥳", hugging_face: "🤗",
    neutral_face: "😐", grimacing: "😬", heart: "❤️", broken_heart: "💔",
    green_heart: "💚", blue_heart: "💙", purple_heart: "💜", yellow_heart: "💛",
    large_green_circle: "🟢", large_yellow_circle: "🟡", large_orange_circle: "🟠",
    red_circle: "🔴", large_blue_circle: "🔵", large_purple_circle: "🟣",
    white_circle: "⚪", black_circle: "⚫", green_square: "🟩", yellow_square: "🟨",
    red_square: "🟥", arrow_right: "➡️", arrow_left: "⬅️", arrow_up: "⬆️",
    arrow_down: "⬇️", arrow_forward: "▶️", leftwards_arrow_with_hook: "↩️",
    arrows_counterclockwise: "🔄", repeat: "🔁", heavy_plus_sign: "➕",
    heavy_minus_sign: "➖", heavy_multiplication_x: "✖️", information_source: "ℹ️",
    checkered_flag: "🏁", triangular_flag_on_post: "🚩", dart: "🎯", game_die: "🎲",
    jigsaw: "🧩", puzzle_piece: "🧩", gear: "⚙️", hammer_and_wrench: "🛠️", wrench: "🔧",
    hammer: "🔨", nut_and_bolt: "🔩", construction: "🚧", bug: "🐛", test_tube: "🧪",
    microscope: "🔬", crystal_ball: "🔮", mortar_board: "🎓", school: "🏫",
    briefcase: "💼", handshake: "🤝", bust_in_silhouette: "👤", busts_in_silhouette: "👥",
    man_technologist: "👨‍💻", woman_technologist: "👩‍💻", technologist: "🧑‍💻",
    coffee: "☕", tea: "🍵", pizza: "🍕", cake: "🍰", birthday: "🎂", gift: "🎁",
    balloon: "🎈", confetti_ball: "🎊", seedling: "🌱", herb: "🌿", four_leaf_clover: "🍀",
    sunny: "☀️", cloud: "☁️", umbrella: "☂️", snowflake: "❄️", rainbow: "🌈",
    earth_americas: "🌎", globe_with_meridians: "🌐", house: "🏠", office: "🏢",
    zzz: "💤", sleeping: "😴", hundred: "💯", "100": "💯", new: "🆕", up: "🆙", cool: "🆒",
    free: "🆓", sos: "🆘", ok: "🆗", one: "1️⃣", two: "2️⃣", three: "3️⃣", four: "4️⃣",
    five: "5️⃣", six: "6️⃣", seven: "7️⃣", eight: "8️⃣", nine: "9️⃣", keycap_ten: "🔟",
    zero: "0️⃣", hash: "#️⃣", small_blue_diamond: "🔹", small_orange_diamond: "🔸",
    large_blue_diamond: "🔷", large_orange_diamond: "🔶", black_small_square: "▪️",
    white_small_square: "▫️", heavy_dollar_sign: "💲", moneybag: "💰", gem: "💎",
    crown: "👑", ribbon: "🎀", art: "🎨", performing_arts: "🎭", musical_note: "🎵",
    headphones: "🎧", microphone: "🎤", video_camera: "📹", camera: "📷", tv: "📺",
    iphone: "📱", telephone_receiver: "📞", battery: "🔋", electric_plug: "🔌",
    satellite: "📡", flashlight: "🔦", candle: "🕯️", traffic_light: "🚥",
    vertical_traffic_light: "🚦", stop_sign: "🛑", rotating_light: "🚨", ambulance: "🚑",
    runner: "🏃", running: "🏃", walking: "🚶", mountain: "⛰️", snail: "🐌", turtle: "🐢",
    rabbit: "🐰", owl: "🦉", unicorn_face: "🦄", dog: "🐶", cat: "🐱", penguin: "🐧",
    snake: "🐍", crab: "🦀", elephant: "🐘", whale: "🐳", octopus: "🐙", bee: "🐝",
    ant: "🐜", spider: "🕷️", palm_tree: "🌴", evergreen_tree: "🌲", cactus: "🌵",
    tulip: "🌷", rose: "🌹", sunflower: "🌻", cherry_blossom: "🌸", apple: "🍎",
    green_apple: "🍏", lemon: "🍋", banana: "🍌", strawberry: "🍓", avocado: "🥑",
    popcorn: "🍿", doughnut: "🍩", cookie: "🍪", beer: "🍺", beers: "🍻", wine_glass: "🍷",
    tropical_drink: "🍹", champagne: "🍾", clinking_glasses: "🥂", soccer: "⚽",
    basketball: "🏀", football: "🏈", tennis: "🎾", golf: "⛳", bowling: "🎳",
    video_game: "🎮", chess_pawn: "♟️", slot_machine: "🎰", ghost: "👻", skull: "💀",
    alien: "👽", see_no_evil: "🙈", hear_no_evil: "🙉", speak_no_evil: "🙊",
    heavy_exclamation_mark: "❗", grey_question: "❔", grey_exclamation: "❕",
    recycle: "♻️", copyright: "©️", registered: "®️", tm: "™️",
  };

  const URL_SCHEMES = /^(https?:|mailto:|slack:)/i;
  // Private-use characters mark where finished HTML goes back after formatting. The same
  // characters in the input are held first (as their entities), so input cannot forge a mark.
  const HOLD_OPEN = "\uE000";
  const HOLD_CLOSE = "\uE001";
  const HOLD_CHARS = /[\uE000\uE001]/g;
  const HOLD_MARK = /\uE000(\d+)\uE001/g;

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  // Slack sends &, < and > escaped; these are the only entities it uses.
  function decodeSlackEntities(text) {
    return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function emojiChar(name) {
    return Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : null;
  }

  // Replaces :shortcodes: in already-escaped HTML text (no tags inside).
  function emojify(escaped) {
    return escaped.replace(/:([a-z0-9_+\-]+):/g, function (match, name) {
      const char = emojiChar(name);
      return char ? '<span class="emoji" title=":' + name + ':">' + char + "</span>" : match;
    });
  }

  function safeHref(url) {
    const trimmed = String(url).trim();
    return URL_SCHEMES.test(trimmed) ? trimmed : null;
  }

  function linkHtml(url, labelHtml) {
    const href = safeHref(url);
    if (!href) return labelHtml;
    return '<a href="' + escapeHtml(href) + '" target="_blank" rel="noopener noreferrer">' +
      labelHtml + "</a>";
  }

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

  function ordinal(day) {
    const tens = day % 100;
    if (tens >= 11 && tens <= 13) return day + "th";
    return day + ({ 1: "st", 2: "nd", 3: "rd" }[day % 10] || "th");
  }

  function pad(number) {
    return number < 10 ? "0" + number : String(number);
  }

  function clock(date, withSeconds) {
    const hours = date.getHours();
    const hour12 = hours % 12 === 0 ? 12 : hours % 12;
    const seconds = withSeconds ? ":" + pad(date.getSeconds()) : "";
    return hour12 + ":" + pad(date.getMinutes()) + seconds + (hours < 12 ? " AM" : " PM");
  }

  function relativeDay(date, now) {
    const start = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
    const day = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
    const difference = Math.round((day - start) / 86400000);
    return { 0: "Today", "-1": "Yesterday", 1: "Tomorrow" }[difference] || null;
  }

  function ago(date, now) {
    const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
    const future = seconds < 0;
    const size = Math.abs(seconds);
    const units = [[31536000, "year"], [2592000, "month"], [86400, "day"], [3600, "hour"],
      [60, "minute"]];
    for (const [length, unit] of units) {
      if (size >= length) {
        const count = Math.floor(size / length);
        const phrase = count + " " + unit + (count === 1 ? "" : "s");
        return future ? "in " + phrase : phrase + " ago";
      }
    }
    return future ? "in a few seconds" : "a few seconds ago";
  }

  // Slack's date tokens, in the reader's local time zone.
  function formatSlackDate(epochSeconds, format, now) {
    const date = new Date(epochSeconds * 1000);
    now = now || new Date();
    const month = MONTHS[date.getMonth()];
    const long = month + " " + ordinal(date.getDate()) + ", " + date.getFullYear();
    const short = month.slice(0, 3) + " " + date.getDate() + ", " + date.getFullYear();
    const weekday = DAYS[date.getDay()];
    const relative = relativeDay(date, now);
    const tokens = {
      date_num: date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()),
      date: long,
      date_short: short,
      date_long: weekday + ", " + long,
      date_pretty: relative || long,
      date_short_pretty: relative || short,
      date_long_pretty: relative || weekday + ", " + long,
      time: clock(date, false),
      time_secs: clock(date, true),
      ago: ago(date, now),
    };
    return format.replace(/\{(\w+)\}/g, function (match, token) {
      return Object.prototype.hasOwnProperty.call(tokens, token) ? tokens[token] : match;
    });
  }

  // One <…> control sequence as HTML.
  function controlHtml(inner, options) {
    const bar = inner.indexOf("|");
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : null;
    const users = options.users || {};
    if (target.startsWith("@")) {
      const id = target.slice(1);
      const name = label || users[id] || id;
      return '<span class="mention" data-user="' + escapeHtml(id) + '">@' +
        escapeHtml(decodeSlackEntities(name)) + "</span>";
    }
    if (target.startsWith("#")) {
      return '<span class="mention">#' + escapeHtml(decodeSlackEntities(label || target.slice(1))) +
        "</span>";
    }
    if (target.startsWith("!")) {
      const parts = target.slice(1).split("^");
      if (parts[0] === "date" && parts.length >= 3) {
        const epoch = Number(parts[1]);
        if (!Number.isFinite(epoch)) return escapeHtml(decodeSlackEntities(label || ""));
        const text = escapeHtml(formatSlackDate(epoch, decodeSlackEntities(parts[2]), options.now));
        const html = '<time class="slack-date" datetime="' +
          new Date(epoch * 1000).toISOString() + '">' + text + "</time>";
        return parts[3] ? linkHtml(decodeSlackEntities(parts[3]), html) : html;
      }
      if (parts[0] === "subteam") {
        return '<span class="mention">' + escapeHtml(decodeSlackEntities(label || "@team")) +
          "</span>";
      }
      if (["here", "channel", "everyone"].indexOf(parts[0]) >= 0) {
        return '<span class="mention broadcast">@' + parts[0] + "</span>";
      }
      return escapeHtml(decodeSlackEntities(label || ""));
    }
    const url = decodeSlackEntities(target);
    const shown = label === null ? url : decodeSlackEntities(label);
    if (!safeHref(url)) return escapeHtml("<" + decodeSlackEntities(inner) + ">");
    return linkHtml(url, emojify(escapeHtml(shown)));
  }

  function hold(store, html) {
    store.push(html);
    return HOLD_OPEN + (store.length - 1) + HOLD_CLOSE;
  }

  // One pass, each held piece resolved once. A piece only holds marks made before it, so
  // only lower indexes are followed: this ends whatever the text holds.
  function restore(text, store) {
    const done = new Array(store.length);
    function resolve(piece, below) {
      return piece.replace(HOLD_MARK, function (match, digits) {
        const index = Number(digits);
        if (!(index < below)) return "";
        if (done[index] === undefined) done[index] = resolve(store[index], index);
        return done[index];
      });
    }
    return resolve(text, store.length);
  }

  function holdInputMarks(text, store) {
    return text.replace(HOLD_CHARS, function (char) {
      return hold(store, "&#x" + char.charCodeAt(0).toString(16).toUpperCase() + ";");
    });
  }

  const BOUNDARY_BEFORE = "(^|[^\\w])";
  const BOUNDARY_AFTER = "(?=$|[^\\w])";

  function styleRule(marker, tag) {
    const m = "\\" + marker;
    return {
      pattern: new RegExp(BOUNDARY_BEFORE + m + "(?=[^\\s" + m + "])([^" + m + "\\n]*?[^\\s" +
        m + "])" + m + BOUNDARY_AFTER, "g"),
      tag: tag,
    };
  }

  const STYLES = [styleRule("*", "b"), styleRule("_", "i"), styleRule("~", "s")];

  // Bold, then italic, then strike; each styled span is held whole, with the later styles
  // applied inside it, so spans nest and never cross (`*a _b* c_` stays well formed).
  function styledHtml(escaped, level, store) {
    if (level >= STYLES.length) return emojify(escaped);
    const style = STYLES[level];
    const replaced = escaped.replace(style.pattern, function (match, before, inner) {
      return before + hold(store, "<" + style.tag + ">" + styledHtml(inner, level + 1, store) +
        "</" + style.tag + ">");
    });
    return styledHtml(replaced, level + 1, store);
  }

  // Text without code: control sequences, escaping, styles, emoji, bare links.
  function inlineHtml(text, options, store) {
    let working = text.replace(/<([^<>\n]+)>/g, function (match, inner) {
      return hold(store, controlHtml(inner, options));
    });
    working = decodeSlackEntities(working);
    if (!options.verbatim) {
      working = working.replace(/\bhttps?:\/\/[^\s<>\uE000\uE001]+[^\s<>.,;:!?)\]'"\uE000\uE001]/g,
        function (url) { return hold(store, linkHtml(url, escapeHtml(url))); });
    }
    return styledHtml(escapeHtml(working), 0, store);
  }

  function lineBlocksHtml(text, options, store) {
    // Inline code first: nothing inside it is formatted.
    // A backtick next to another one belongs to a fence, never to inline code.
    const withCode = text.replace(/(^|[^`])`([^`\n]+)`(?!`)/g, function (match, before, code) {
      return before + hold(store, "<code>" + escapeHtml(decodeSlackEntities(code)) + "</code>");
    });
    const lines = withCode.split("\n");
    const out = [];
    let quote = [];
    let quoteRest = false;
    const flushQuote = function () {
      if (quote.length) out.push("<blockquote>" + quote.join("<br>") + "</blockquote>");
      quote = [];
    };
    for (const line of lines) {
      const triple = /^(&gt;|>){3}\s?/.exec(line);
      const single = /^(&gt;|>)\s?/.exec(line);
      if (quoteRest || triple) {
        quoteRest = true;
        quote.push(inlineHtml(triple ? line.slice(triple[0].length) : line, options, store));
      } else if (single) {
        quote.push(inlineHtml(line.slice(single[0].length), options, store));
      } else {
        flushQuote();
        out.push(inlineHtml(line, options, store));
      }
    }
    flushQuote();
    // Join plain lines with <br>, but a quote is already a block of its own.
    let html = "";
    out.forEach(function (part, index) {
      const isQuote = part.startsWith("<blockquote>");
      const previousQuote = index > 0 && out[index - 1].startsWith("<blockquote>");
      if (index > 0 && !isQuote && !previousQuote) html += "<br>";
      html += part;
    });
    return html;
  }

  // The whole of a mrkdwn text object as HTML.
  function mrkdwnToHtml(text, options) {
    options = options || {};
    const store = [];
    const source = holdInputMarks(String(text == null ? "" : text), store);
    const parts = source.split(/```/);
    let html = "";
    for (let index = 0; index < parts.length; index++) {
      let part = parts[index];
      if (index % 2 === 1 && index < parts.length - 1) {
        const code = decodeSlackEntities(part).replace(/^\n/, "").replace(/\n$/, "");
        html += '<pre class="code-block">' + escapeHtml(code) + "</pre>";
        continue;
      }
      if (index % 2 === 1) part = "```" + part; // an unclosed fence is plain text
      if (index > 0 && index % 2 === 0) part = part.replace(/^\n/, "");
      if (index + 2 < parts.length) part = part.replace(/\n$/, "");
      html += lineBlocksHtml(part, options, store);
    }
    return restore(html, store);
  }

  // plain_text objects: escaped, with emoji unless "emoji": false.
  function plainToHtml(text, emoji) {
    const escaped = escapeHtml(text == null ? "" : text).replace(/\n/g, "<br>");
    return emoji === false ? escaped : emojify(escaped);
  }

  const api = {
    EMOJI: EMOJI,
    escapeHtml: escapeHtml,
    decodeSlackEntities: decodeSlackEntities,
    emojiChar: emojiChar,
    emojify: emojify,
    safeHref: safeHref,
    formatSlackDate: formatSlackDate,
    mrkdwnToHtml: mrkdwnToHtml,
    plainToHtml: plainToHtml,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  root.Mrkdwn = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
