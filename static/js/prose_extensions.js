// The rich-text editor's own nodes (policyhub/editorial/prose_extensions.py), loaded by
// django-prose-editor as a module: a footnote kept at its point of reference, and a figure
// from the image library. What they store is what the sanitiser keeps; the reader's page
// numbers the notes and draws the figures (policyhub/editorial/rendering.py).
import { Node, gettext, updateAttrsDialog } from "django-prose-editor/editor"

const noteDialog = updateAttrsDialog(
  {
    text: {
      type: "string",
      format: "textarea",
      title: gettext("Note"),
      description: gettext("Plain text; web addresses become links. Leave empty to remove."),
    },
  },
  { title: gettext("Footnote") },
)

const figureDialog = updateAttrsDialog(
  {
    image: {
      type: "string",
      format: "number",
      min: 1,
      required: true,
      title: gettext("Image number"),
      description: gettext(
        "The number shown in Editorial › Images; its alt text, caption and credit come with it.",
      ),
    },
  },
  { title: gettext("Figure") },
)

// Editors see a note as a small bracketed mark with its text, as a figure as a labelled box.
function noteView(node) {
  const dom = document.createElement("sup")
  dom.className = "prose-footnote"
  dom.textContent = `[${gettext("Note")}: ${node.attrs.text}]`
  dom.title = gettext("Footnote (double-click to edit)")
  dom.style.color = "#0b5cad"
  dom.style.fontSize = "0.8em"
  return dom
}

function figureView(node) {
  const dom = document.createElement("div")
  dom.className = "prose-library-figure"
  dom.textContent = `${gettext("Figure")}: ${gettext("image")} ${node.attrs.image}`
  dom.style.border = "1px dashed #5b6573"
  dom.style.padding = "1rem"
  dom.style.margin = "1rem 0"
  dom.style.textAlign = "center"
  return dom
}

export const Footnote = Node.create({
  name: "footnote",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,

  addAttributes() {
    return {
      text: {
        default: "",
        parseHTML: (element) => element.textContent.replace(/\s+/g, " ").trim(),
        renderHTML: () => ({}),
      },
    }
  },

  parseHTML() {
    return [{ tag: "span[data-footnote]" }]
  },

  renderHTML({ node }) {
    return ["span", { "data-footnote": "" }, node.attrs.text]
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const dom = noteView(node)
      dom.addEventListener("dblclick", () => {
        editor.commands.setNodeSelection(getPos())
        editor.commands.editFootnote()
      })
      return { dom }
    }
  },

  addCommands() {
    return {
      editFootnote:
        () =>
        ({ editor }) => {
          const editing = editor.isActive(this.name)
          const attrs = editing ? editor.getAttributes(this.name) : { text: "" }
          noteDialog(editor, attrs).then((result) => {
            if (!result) return
            const text = (result.text || "").replace(/\s+/g, " ").trim()
            const chain = editor.chain().focus()
            if (editing) {
              ;(text
                ? chain.updateAttributes(this.name, { text })
                : chain.deleteSelection()
              ).run()
            } else if (text) {
              chain.insertContent({ type: this.name, attrs: { text } }).run()
            }
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "footnote",
      groups: "link",
      button: buttons.text(gettext("Note"), gettext("Add a footnote here")),
      command(editor) {
        editor.commands.editFootnote()
      },
      active: (editor) => editor.isActive("footnote"),
    })
  },
})

export const LibraryFigure = Node.create({
  name: "libraryFigure",
  group: "block",
  atom: true,
  draggable: true,

  addAttributes() {
    return {
      image: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image"),
        renderHTML: (attributes) => ({ "data-image": attributes.image }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-image]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => ({ dom: figureView(node) })
  },

  addCommands() {
    return {
      insertLibraryFigure:
        () =>
        ({ editor }) => {
          const editing = editor.isActive(this.name)
          const attrs = editing ? editor.getAttributes(this.name) : { image: "" }
          figureDialog(editor, attrs).then((result) => {
            const image = String(result?.image || "").trim()
            if (!/^\d+$/.test(image)) return
            const chain = editor.chain().focus()
            ;(editing
              ? chain.updateAttributes(this.name, { image })
              : chain.insertContent({ type: this.name, attrs: { image } })
            ).run()
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "libraryFigure",
      groups: "nodes",
      button: buttons.material("image", gettext("Insert a figure from the image library")),
      command(editor) {
        editor.commands.insertLibraryFigure()
      },
      active: (editor) => editor.isActive("libraryFigure"),
    })
  },
})
