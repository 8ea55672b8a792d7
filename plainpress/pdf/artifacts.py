"""Page furniture as artifacts: the post-processing pass for WeasyPrint's running headers and footers.

WeasyPrint 70 tags the text of ``@page`` margin boxes (running headers, "Page N of M") as ``Span``
elements that it lists in the ParentTree but never links into the structure tree: their parent
chain ends at ``Document``, whose ``/K`` does not list them. Screen readers never reach them and
PDF/UA forbids real content outside the tree. This pass finds exactly those sequences (an MCID
whose ParentTree element cannot be reached from the structure root), rewrites their ``BDC`` into
``/Artifact <</Type /Pagination /Subtype /Header|/Footer>> BDC``, drops their elements from the
ParentTree and renumbers the page's remaining MCIDs so that the ParentTree array stays indexed by
MCID. The orphaned elements are then referenced by nothing and are not written when the file is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Matrix, Name, Pdf

from ..pdfua import TEXT_OPERATORS, walk_structure, xobjects

ARTIFACT_KEY = "PlainpressArtifact"  # set by plainpress.pdf.tags on the parent-tree entry of artifact content


@dataclass
class _Rewrite:
    drop: dict[int, str | None]  # MCIDs that become artifacts -> their type when the tagger gave one
    renumber: dict[int, int]  # kept MCID -> new MCID
    pdf: Pdf
    bottom: float  # of the page's MediaBox, to tell a header from a footer
    top: float
    changed: int = 0

    def artifact(self, y: float | None, kind: str | None = None) -> Dictionary:
        """Pagination artifact; a header in the top third of the page, a footer in the bottom third.
        Content the tagger marked as layout (leader dots, decoration, copies) is a Layout artifact."""
        if kind == "/Layout":
            return Dictionary(Type=Name.Layout)
        attributes = Dictionary(Type=Name.Pagination)
        third = (self.top - self.bottom) / 3
        if y is not None and y > self.top - third:
            attributes.Subtype = Name.Header
        elif y is not None and y < self.bottom + third:
            attributes.Subtype = Name.Footer
        return attributes


def _rewrite(job: _Rewrite, owner: pikepdf.Object, resources: Dictionary | None, ctm: Matrix, depth: int = 0) -> None:
    """Rewrite one content stream, and the Form XObjects it draws, in place."""
    out: list[pikepdf.ContentStreamInstruction] = []
    stack: list[Matrix] = []
    tm = Matrix()
    open_at: list[int | None] = []  # per open sequence: index in ``out`` of a new pagination artifact's BDC
    placed: set[int] = set()
    changed = False

    def place(point: tuple[float, float]) -> None:
        for index in open_at:
            if index is not None and index not in placed:
                placed.add(index)
                out[index] = pikepdf.ContentStreamInstruction(
                    [Name.Artifact, job.artifact(point[1])], out[index].operator
                )

    for instruction in pikepdf.parse_content_stream(owner):
        operands, op = list(instruction.operands), str(instruction.operator)
        if op == "BDC" and len(operands) == 2 and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
            mcid = int(operands[1].MCID)
            if mcid in job.drop:
                kind = job.drop[mcid]
                open_at.append(None if kind == "/Layout" else len(out))
                out.append(
                    pikepdf.ContentStreamInstruction([Name.Artifact, job.artifact(None, kind)], instruction.operator)
                )
                job.changed += 1
                changed = True
                continue
            if job.renumber.get(mcid, mcid) != mcid:
                properties = Dictionary(operands[1])
                properties.MCID = job.renumber[mcid]
                instruction = pikepdf.ContentStreamInstruction([operands[0], properties], instruction.operator)
                changed = True
            open_at.append(None)
        elif op in ("BDC", "BMC"):
            open_at.append(None)
        elif op == "EMC" and open_at:
            open_at.pop()
        elif op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(operands) == 6:
            ctm = Matrix(*map(float, operands)) @ ctm
        elif op == "BT":
            tm = Matrix()
        elif op == "Tm" and len(operands) == 6:
            tm = Matrix(*map(float, operands))
        elif op in ("Td", "TD") and len(operands) == 2:
            tm = Matrix(1, 0, 0, 1, float(operands[0]), float(operands[1])) @ tm
        elif op in TEXT_OPERATORS:
            place((tm @ ctm).transform((0, 0)))
        elif op == "Do" and operands:
            form = xobjects(resources).get(operands[0])
            # A form with /StructParents numbers its MCIDs itself; WeasyPrint's groups use the page's.
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == "/Form" and "/StructParents" not in form:
                inner = Matrix(form.Matrix) @ ctm if "/Matrix" in form else ctm
                if depth < 12:
                    _rewrite(job, form, form.get("/Resources", resources), inner, depth + 1)
            place(ctm.transform((0, 0)))
        out.append(instruction)
    if changed:
        data = pikepdf.unparse_content_stream(out)
        if isinstance(owner, pikepdf.Stream):
            owner.write(data)
        else:
            owner.Contents = job.pdf.make_stream(data)


def _renumber_kids(element: Dictionary, page: pikepdf.Object, old: int, new: int) -> None:
    """Point ``element``'s reference to MCID ``old`` on ``page`` at ``new``."""
    k = element.get("/K")
    own_page = "/Pg" not in element or element.Pg.objgen == page.objgen  # integer kids are on the element's page
    if isinstance(k, int) and own_page:
        if k == old:
            element.K = new
        return
    entries = list(k) if isinstance(k, Array) else [k]
    for index, kid in enumerate(entries):
        if isinstance(kid, int) and kid == old and own_page:
            element.K[index] = new
            return
        if isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR" and kid.get("/MCID") == old:
            if "/Stm" not in kid and kid.get("/Pg", page).objgen == page.objgen:
                kid.MCID = new
                return


def mark_page_furniture(pdf: Pdf) -> int:
    """Turn untethered margin-box content into pagination artifacts; return how many sequences changed."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary) or "/ParentTree" not in root:
        return 0
    structure = walk_structure(pdf)
    tree = pikepdf.NumberTree(root.ParentTree)
    changed = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        parents = tree.get(int(key)) if key is not None else None
        if not isinstance(parents, Array):
            continue
        drop = {
            mcid: (str(element.get(f"/{ARTIFACT_KEY}")) if f"/{ARTIFACT_KEY}" in element else None)
            for mcid, element in enumerate(parents)
            if isinstance(element, Dictionary) and element.objgen not in structure.reached
        }
        if not drop:
            continue
        kept = [mcid for mcid in range(len(parents)) if mcid not in drop]
        box = [float(v) for v in page.mediabox]
        job = _Rewrite(drop, {old: new for new, old in enumerate(kept)}, pdf, min(box[1], box[3]), max(box[1], box[3]))
        _rewrite(job, page.obj, page.obj.get("/Resources"), Matrix())
        for old, new in job.renumber.items():
            if old != new and isinstance(parents[old], Dictionary):
                _renumber_kids(parents[old], page.obj, old, new)
        tree[int(key)] = Array([parents[old] for old in kept])
        changed += job.changed
    _untag_stray_annotations(pdf, structure.annotations)
    return changed


def _untag_stray_annotations(pdf: Pdf, tagged: dict) -> None:
    """Remove link annotations the structure tree does not reach: those of content made an
    artifact (a second copy of a card). A tagged PDF may not hold an untagged annotation."""
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, Array):
            continue
        kept = [a for a in annotations if not (a.get("/Subtype") == "/Link" and a.objgen not in tagged)]
        if len(kept) != len(annotations):
            page.obj.Annots = Array(kept)
