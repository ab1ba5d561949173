// Block Kit as HTML, limited to the blocks and elements Slack documents for messages,
// the Home tab and modals. Interactive elements carry data-block-id / data-action-id so
// the page can send Slack's block_actions for them. Pure: blocks in, HTML string out.
(function (root) {
  "use strict";

  const M = root.Mrkdwn || (typeof require !== "undefined" ? require("./mrkdwn.js") : null);
  const esc = M.escapeHtml;

  function textHtml(obj, options) {
    if (!obj) return "";
    if (obj.type === "mrkdwn") {
      return M.mrkdwnToHtml(obj.text, { users: options.users, now: options.now,
        verbatim: obj.verbatim === true });
    }
    return M.plainToHtml(obj.text, obj.emoji);
  }

  function plain(obj) {
    return obj && obj.text != null ? String(obj.text) : "";
  }

  function ids(blockId, element) {
    return ' data-block-id="' + esc(blockId || "") + '" data-action-id="' +
      esc(element.action_id || "") + '"';
  }

  function confirmAttr(element) {
    return element.confirm ? " data-confirm='" + esc(JSON.stringify(element.confirm)) + "'" : "";
  }

  function optionsOf(element) {
    const groups = element.option_groups ? element.option_groups.map(function (group) {
      return { label: plain(group.label), options: group.options || [] };
    }) : [{ label: null, options: element.options || [] }];
    return groups;
  }

  function selectedValue(blockId, element, options) {
    const key = blockId + "\u0000" + element.action_id;
    const selections = options.selections || {};
    if (Object.prototype.hasOwnProperty.call(selections, key)) return selections[key];
    return element.initial_option ? element.initial_option.value : null;
  }

  function buttonHtml(blockId, element) {
    const style = element.style === "primary" || element.style === "danger"
      ? " bk-" + element.style : "";
    const label = M.plainToHtml(plain(element.text), element.text && element.text.emoji);
    const attrs = ids(blockId, element) + confirmAttr(element) +
      (element.value != null ? ' data-value="' + esc(element.value) + '"' : "");
    if (element.url && M.safeHref(element.url)) {
      return '<a class="bk-button' + style + '" role="button" href="' + esc(element.url) +
        '" target="_blank" rel="noopener noreferrer"' + attrs + ">" + label + "</a>";
    }
    return '<button type="button" class="bk-button' + style + '"' + attrs + ">" + label +
      "</button>";
  }

  function selectHtml(blockId, element, options) {
    const current = selectedValue(blockId, element, options);
    let html = '<select class="bk-select"' + ids(blockId, element) + confirmAttr(element) +
      ' aria-label="' + esc(plain(element.placeholder) || "Select an option") + '">';
    if (current == null) {
      html += '<option value="" disabled selected hidden>' +
        esc(plain(element.placeholder) || "Select an option") + "</option>";
    }
    for (const group of optionsOf(element)) {
      if (group.label) html += '<optgroup label="' + esc(group.label) + '">';
      for (const option of group.options) {
        const selected = option.value === current ? " selected" : "";
        html += '<option value="' + esc(option.value) + '"' + selected + ">" +
          esc(plain(option.text)) + "</option>";
      }
      if (group.label) html += "</optgroup>";
    }
    return html + "</select>";
  }

  function overflowHtml(blockId, element) {
    let html = '<select class="bk-overflow" title="More actions"' + ids(blockId, element) +
      confirmAttr(element) + ' aria-label="More actions"><option value="" selected hidden>⋯</option>';
    for (const option of element.options || []) {
      html += '<option value="' + esc(option.value) + '">' + esc(plain(option.text)) + "</option>";
    }
    return html + "</select>";
  }

  function imageHtml(element, className) {
    const src = M.safeHref(element.image_url || "") ? element.image_url : "";
    return '<img class="' + className + '" src="' + esc(src) + '" alt="' +
      esc(element.alt_text || "") + '" loading="lazy">';
  }

  function elementHtml(blockId, element, options) {
    switch (element.type) {
      case "button": return buttonHtml(blockId, element);
      case "static_select": return selectHtml(blockId, element, options);
      case "overflow": return overflowHtml(blockId, element);
      case "image": return imageHtml(element, "bk-accessory-image");
      default:
        return '<span class="bk-unsupported">[' + esc(element.type) + " element]</span>";
    }
  }

  function sectionHtml(block, options) {
    let body = "";
    if (block.text) body += '<div class="bk-section-text">' + textHtml(block.text, options) + "</div>";
    if (block.fields && block.fields.length) {
      body += '<div class="bk-fields">' + block.fields.map(function (field) {
        return '<div class="bk-field">' + textHtml(field, options) + "</div>";
      }).join("") + "</div>";
    }
    const accessory = block.accessory
      ? '<div class="bk-accessory">' + elementHtml(block.block_id, block.accessory, options) +
        "</div>" : "";
    return '<div class="bk-section"><div class="bk-section-body">' + body + "</div>" +
      accessory + "</div>";
  }

  function contextHtml(block, options) {
    return '<div class="bk-context">' + (block.elements || []).map(function (element) {
      if (element.type === "image") return imageHtml(element, "bk-context-image");
      return '<span class="bk-context-text">' + textHtml(element, options) + "</span>";
    }).join("") + "</div>";
  }

  function actionsHtml(block, options) {
    return '<div class="bk-actions">' + (block.elements || []).map(function (element) {
      return elementHtml(block.block_id, element, options);
    }).join("") + "</div>";
  }

  function styled(text, style) {
    let html = M.escapeHtml(text).replace(/\n/g, "<br>");
    if (!style) return html;
    if (style.code) html = "<code>" + html + "</code>";
    if (style.bold) html = "<b>" + html + "</b>";
    if (style.italic) html = "<i>" + html + "</i>";
    if (style.strike) html = "<s>" + html + "</s>";
    return html;
  }

  function richInlineHtml(element, options) {
    switch (element.type) {
      case "text": return styled(element.text || "", element.style);
      case "link": {
        const label = styled(element.text || element.url || "", element.style);
        const href = M.safeHref(element.url || "");
        return href ? '<a href="' + esc(href) + '" target="_blank" rel="noopener noreferrer">' +
          label + "</a>" : label;
      }
      case "emoji": {
        const char = M.emojiChar(element.name) || (element.unicode
          ? element.unicode.split("-").map(function (hex) {
            return String.fromCodePoint(parseInt(hex, 16));
          }).join("") : ":" + element.name + ":");
        return '<span class="emoji" title=":' + esc(element.name) + ':">' + esc(char) + "</span>";
      }
      case "user": {
        const users = options.users || {};
        return '<span class="mention">@' + esc(users[element.user_id] || element.user_id) +
          "</span>";
      }
      case "channel": return '<span class="mention">#' + esc(element.channel_id) + "</span>";
      case "usergroup": return '<span class="mention">@' + esc(element.usergroup_id) + "</span>";
      case "broadcast": return '<span class="mention broadcast">@' + esc(element.range) + "</span>";
      case "date":
        return '<time class="slack-date">' +
          esc(M.formatSlackDate(element.timestamp, element.format || "{date_short}", options.now)) +
          "</time>";
      case "color": return '<span class="bk-color" style="--swatch:' +
        esc(/^#[0-9a-f]{3,8}$/i.test(element.value) ? element.value : "transparent") + '"></span>' +
        esc(element.value);
      default: return "";
    }
  }

  function richSectionHtml(section, options) {
    return (section.elements || []).map(function (element) {
      return richInlineHtml(element, options);
    }).join("");
  }

  function richListHtml(list, options) {
    const tag = list.style === "ordered" ? "ol" : "ul";
    const start = list.style === "ordered" && list.offset ? ' start="' + (list.offset + 1) + '"' : "";
    const indent = ' style="--indent:' + (Number(list.indent) || 0) + '"';
    return "<" + tag + ' class="bk-rich-list"' + start + indent + ">" +
      (list.elements || []).map(function (item) {
        return "<li>" + richSectionHtml(item, options) + "</li>";
      }).join("") + "</" + tag + ">";
  }

  function richTextHtml(block, options) {
    return '<div class="bk-rich-text">' + (block.elements || []).map(function (element) {
      switch (element.type) {
        case "rich_text_section":
          return '<div class="bk-rich-section">' + richSectionHtml(element, options) + "</div>";
        case "rich_text_list": return richListHtml(element, options);
        case "rich_text_preformatted":
          return '<pre class="code-block">' + (element.elements || []).map(function (inline) {
            return inline.type === "text" ? M.escapeHtml(inline.text || "")
              : richInlineHtml(inline, options);
          }).join("") + "</pre>";
        case "rich_text_quote":
          return "<blockquote>" + richSectionHtml(element, options) + "</blockquote>";
        default: return "";
      }
    }).join("") + "</div>";
  }

  function inputHtml(block, options) {
    const element = block.element || {};
    const errors = options.errors || {};
    const idAttrs = ids(block.block_id, element) + " data-input";
    let control;
    switch (element.type) {
      case "plain_text_input": {
        const placeholder = ' placeholder="' + esc(plain(element.placeholder)) + '"';
        const limits = (element.max_length ? ' maxlength="' + Number(element.max_length) + '"' : "");
        control = element.multiline
          ? '<textarea class="bk-text-input"' + idAttrs + placeholder + limits + ">" +
            esc(element.initial_value || "") + "</textarea>"
          : '<input type="text" class="bk-text-input"' + idAttrs + placeholder + limits +
            ' value="' + esc(element.initial_value || "") + '">';
        break;
      }
      case "static_select":
        control = selectHtml(block.block_id, element, options).replace("<select ", "<select data-input ");
        break;
      default:
        control = '<span class="bk-unsupported">[' + esc(element.type) + " input]</span>";
    }
    const error = errors[block.block_id]
      ? '<div class="bk-input-error">' + esc(errors[block.block_id]) + "</div>" : "";
    return '<div class="bk-input' + (error ? " has-error" : "") + '"><label class="bk-label">' +
      M.plainToHtml(plain(block.label)) +
      (block.optional ? ' <span class="bk-optional">(optional)</span>' : "") + "</label>" +
      control + (block.hint ? '<div class="bk-hint">' + textHtml(block.hint, options) + "</div>"
        : "") + error + "</div>";
  }

  function blockHtml(block, options) {
    switch (block.type) {
      case "header":
        return '<h3 class="bk-header">' + M.plainToHtml(plain(block.text),
          block.text && block.text.emoji) + "</h3>";
      case "section": return sectionHtml(block, options);
      case "divider": return '<hr class="bk-divider">';
      case "context": return contextHtml(block, options);
      case "actions": return actionsHtml(block, options);
      case "rich_text": return richTextHtml(block, options);
      case "image":
        return '<figure class="bk-image">' +
          (block.title ? "<figcaption>" + textHtml(block.title, options) + "</figcaption>" : "") +
          imageHtml(block, "bk-image-img") + "</figure>";
      case "input": return inputHtml(block, options);
      default:
        return '<div class="bk-unsupported">This ' + esc(block.type) +
          " block can't be shown in the sandbox.</div>";
    }
  }

  // Blocks as HTML; options: {users: {id: name}, selections, errors, now}.
  function renderBlocks(blocks, options) {
    options = options || {};
    return (blocks || []).map(function (block) {
      return '<div class="bk-block" data-block-type="' + esc(block.type) + '" data-block-id="' +
        esc(block.block_id || "") + '">' + blockHtml(block, options) + "</div>";
    }).join("");
  }

  // Legacy attachments: a colour bar with pretext, title, text, fields and blocks.
  function renderAttachments(attachments, options) {
    options = options || {};
    return (attachments || []).map(function (attachment) {
      const colors = { good: "#2eb67d", warning: "#ecb22e", danger: "#e01e5a" };
      const color = colors[attachment.color] ||
        (/^#?[0-9a-f]{6}$/i.test(attachment.color || "") ? "#" + attachment.color.replace("#", "")
          : "#dddddd");
      let body = "";
      if (attachment.title) {
        const title = M.escapeHtml(attachment.title);
        body += '<div class="att-title">' + (attachment.title_link && M.safeHref(attachment.title_link)
          ? '<a href="' + esc(attachment.title_link) + '" target="_blank">' + title + "</a>" : title) +
          "</div>";
      }
      if (attachment.text) body += "<div>" + M.mrkdwnToHtml(attachment.text, options) + "</div>";
      if (attachment.fields) {
        body += '<div class="bk-fields">' + attachment.fields.map(function (field) {
          return '<div class="bk-field"><b>' + M.escapeHtml(field.title || "") + "</b><br>" +
            M.mrkdwnToHtml(field.value || "", options) + "</div>";
        }).join("") + "</div>";
      }
      if (attachment.blocks) body += renderBlocks(attachment.blocks, options);
      if (attachment.footer) {
        body += '<div class="bk-context">' + M.escapeHtml(attachment.footer) + "</div>";
      }
      const pretext = attachment.pretext
        ? "<div>" + M.mrkdwnToHtml(attachment.pretext, options) + "</div>" : "";
      return pretext + '<div class="attachment" style="--bar:' + color + '">' + body + "</div>";
    }).join("");
  }

  const api = { renderBlocks: renderBlocks, renderAttachments: renderAttachments,
    textHtml: textHtml };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  root.BlockKit = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
