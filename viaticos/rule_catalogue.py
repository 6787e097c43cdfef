# ruff: noqa: E501  (one rule per line reads better than wrapped prose)
"""The rule catalogue of SPEC.md: every rule ID with a one-line summary in Spanish and English
and the SPEC section it comes from. Data only (no imports from the apps); the registry in
`viaticos.rules_registry` says where each rule is enforced, tests/test_rule_traceability.py
keeps this list equal to the IDs of SPEC.md."""

from __future__ import annotations

# (rule ID, SPEC section, summary in Spanish, summary in English)
CATALOGUE: tuple[tuple[str, str, str, str], ...] = (
    # §1 Who uses it
    (
        "R-3.2",
        "§1",
        "Pueden recibir viáticos el personal, consultores, personal de apoyo a eventos y personal de instituciones socias.",
        "Staff, consultants, event support staff and partner-institution staff may receive per diem.",
    ),
    # §2 Missions and per diem
    (
        "R-2a",
        "§2",
        "El viático no se liquida: se sustenta con la prueba del viaje y el informe de misión.",
        "Per diem is not settled with receipts: it is documented with proof of travel and the mission report.",
    ),
    (
        "R-2b",
        "§2",
        "Los gastos terminales se liquidan con comprobantes; llamadas hasta US$20.00 por misión con su detalle.",
        "Terminal expenses are settled with receipts; phone calls up to US$20.00 per mission, with the call detail.",
    ),
    (
        "R-2c",
        "§2",
        "Gastos de permanencia: en el país de origen y sin hotel no se paga alojamiento.",
        "Home country and no hotel: no lodging is paid, meals only.",
    ),
    (
        "R-2d",
        "§2",
        "Traslado e instalación o repatriación: contra facturas, una sola vez por contrato.",
        "Installation and repatriation: against invoices, once per contract.",
    ),
    (
        "R-2e",
        "§2",
        "Una misión se autoriza antes de empezar; sin autorización no se inicia.",
        "A mission is authorized before it starts; without authorization it does not start.",
    ),
    (
        "R-2h",
        "§2",
        "Gastos no elegibles (lavandería, minibar, alcohol) los asume el viajero salvo excepción del Administrador General o del Director Financiero.",
        "Non-eligible expenses (laundry, minibar, alcohol) are the traveler's unless the General Administrator or the Finance Director approves an exception.",
    ),
    (
        "R-3.8",
        "§2.1",
        "Las tarifas son datos: tablas versionadas con vigencia, nunca valores fijos en el código.",
        "Rates are data: versioned tables with validity dates, never hard-coded.",
    ),
    (
        "R-3.8b",
        "§2.1",
        "Un destino fuera de la tabla necesita una cotización aprobada antes del viaje; sin ella, error claro.",
        "A destination outside the table needs a quote approved before the trip; without one, a clear error.",
    ),
    (
        "R-3.9",
        "§2.2",
        "Cálculo del viático: alojamiento por noche y comidas por día según la hora de salida y de llegada.",
        "Per-diem computation: lodging per night, meals per day by departure and arrival time.",
    ),
    (
        "R-3.14",
        "§2.2",
        "Las comidas que cubre el evento no se pagan (almuerzo 50 %, cena 50 %).",
        "Meals the event provides are not paid (lunch 50%, dinner 50%).",
    ),
    (
        "R-3.15",
        "§2.2",
        "Invitación de una entidad afiliada que cubre el viático: viático cero; el anticipo de movilización se devuelve.",
        "Invitation by an affiliated entity covering the per diem: per diem zero; a mobilization advance is returned.",
    ),
    (
        "R-6",
        "§2.2",
        "Complemento: se paga por día la diferencia con lo que paga el patrocinador, solo en eventos de hasta 30 días.",
        "Complement: per day, the difference with the sponsor's amount, only for events of at most 30 days.",
    ),
    (
        "R-7a",
        "§2.2",
        "No se paga una cuota diaria completa por una fracción de día.",
        "No full daily quota is paid for a fraction of a day.",
    ),
    (
        "R-7i",
        "§2.2",
        "Nunca más que el monto de la tabla por concepto.",
        "Never more than the table amount per concept.",
    ),
    (
        "R-3.10",
        "§2.3",
        "Cada gasto se convierte a USD al tipo de cambio oficial de su fecha (no más antiguo que el límite configurado).",
        "Each expense is converted to USD at the official rate of its date (no older than the configured limit).",
    ),
    (
        "R-3.16",
        "§2",
        "El traslado o la repatriación se paga una sola vez por contrato.",
        "Installation or repatriation is paid once per contract.",
    ),
    # §2.4 Approvals and advances
    (
        "R-3.1",
        "§2.4",
        "El anticipo lo aprueban el Coordinador de Proyecto y el Director Financiero y lo firma el solicitante antes del desembolso.",
        "An advance is approved by the Project Coordinator and the Finance Director and signed by the requester before it is paid.",
    ),
    (
        "R-3.1s",
        "§2.4",
        "Segregación de funciones: las dos aprobaciones de una misión o de un anticipo las dan dos personas distintas, nunca el solicitante, aunque cambien roles o coordinadores mientras está pendiente.",
        "Segregation of duties: the two approvals of a mission or an advance come from two different people, never the requester, whatever roles or coordinators change while it is pending.",
    ),
    (
        "R-3.1d",
        "§2.4",
        "Nadie queda sin aprobador: suplentes por proyecto y rol, delegación por ausencia (“X en nombre de Y”), recordatorios y escalamiento; las solicitudes sin aprobador se muestran.",
        'Nobody is stuck: alternates per project and role, delegation while away ("X on behalf of Y"), reminders and escalation; requests without an approver are shown.',
    ),
    (
        "R-3.11",
        "§2.4",
        "Un anticipo se concede solo si se cumplen las condiciones (a), (b) y (c).",
        "An advance is granted only when conditions (a), (b) and (c) hold.",
    ),
    (
        "R-3.11a",
        "§2.4",
        "No hay nuevo anticipo mientras el viajero tenga otro pendiente de liquidación.",
        "No new advance while the traveler has another one pending settlement.",
    ),
    ("R-3.11b", "§2.4", "La misión debe estar autorizada.", "The mission must be authorized."),
    (
        "R-3.11c",
        "§2.4",
        "Se adjunta la invitación cuando el tipo de misión lo exige.",
        "The invitation is attached when the mission type requires it.",
    ),
    (
        "R-7b",
        "§2.4",
        "Excepción a (a): misión de emergencia autorizada por el Secretario Ejecutivo y el Coordinador de Proyecto.",
        "Exception to (a): an emergency mission authorized by the Executive Secretary and the Project Coordinator.",
    ),
    (
        "R-5",
        "§2.4",
        "Misión de emergencia: la califica el Secretario Ejecutivo; se viaja sin anticipo y se tramita con prioridad.",
        "Emergency mission: qualified by the Executive Secretary; the traveler goes without an advance, processed as a priority.",
    ),
    (
        "R-4",
        "§2.4",
        "Misión suspendida o cancelada: el anticipo se devuelve de inmediato, o se liquida si ya se gastó.",
        "Suspended or cancelled mission: the advance is returned at once, or settled if money was spent.",
    ),
    # §3 Settlements
    (
        "R-3.12",
        "§3",
        "Los comprobantes van a nombre y RUC de la organización, salvo el Recibo de Egresos.",
        "Receipts are issued to the organization's name and tax id, except the Recibo de Egresos.",
    ),
    (
        "R-3.3",
        "§3–4",
        "Liquidación dentro de 5 días hábiles del regreso; el saldo se devuelve o se reembolsa en 5 días hábiles.",
        "Settlement due 5 business days after the return; the balance is returned or reimbursed within 5 business days.",
    ),
    (
        "R-3.7",
        "§3",
        "El Asistente Contable sella cada documento: «Liquidado, Fecha, Responsable».",
        'The Accounting Assistant stamps every document "Liquidado, Fecha, Responsable".',
    ),
    (
        "R-7c",
        "§3",
        "Un mismo comprobante (archivo, o RUC del emisor + número) no se usa dos veces.",
        "The same receipt (file, or issuer tax id + number) is never used twice.",
    ),
    # §4 Deadlines and sanctions
    (
        "R-3.4",
        "§4",
        "Vencido el plazo, el Contador General emite el Requerimiento de Documentación dentro de 3 días hábiles.",
        "Once overdue, the General Accountant issues the documentation requirement within 3 business days.",
    ),
    (
        "R-8b",
        "§4",
        "Liquidación tardía: sin nuevo anticipo y orden de descuento por planilla tras el periodo de gracia.",
        "Late settlement: no new advance and a payroll deduction order after the grace period.",
    ),
    (
        "R-3.13",
        "§4",
        "Instituciones miembro y entidades coejecutoras: sin más desembolsos o anticipos hasta que se liquide.",
        "Member institutions and co-executing entities: no further disbursements or advances until settled.",
    ),
    (
        "R-3.17",
        "§4",
        "Invitado que no asiste: se cobra el 100 % de los costos incurridos a su entidad, salvo justificación aceptada.",
        "A confirmed invitee who does not attend is charged 100% of the costs incurred, unless a justification is accepted.",
    ),
    (
        "R-8a",
        "§4",
        "Misión fraccionada o día completo indebido: se registra la infracción y se recupera el exceso.",
        "Fractioned mission or undue full day: the infraction is recorded and the overpayment recovered.",
    ),
    (
        "R-8c",
        "§4",
        "Documentos alterados: dos días de suspensión sin goce, registro para RR. HH. y acción legal.",
        "Altered documents: two days' suspension without pay, recorded for HR, flagged for legal action.",
    ),
    # §5.1 Notices and consent
    (
        "R-P1",
        "§5.1",
        "Avisos de privacidad versionados con todo lo que exige el art. 18 de la Ley.",
        "Versioned privacy notices with everything art. 18 of the Law requires.",
    ),
    (
        "R-P2",
        "§5.1",
        "Consentimiento libre, previo, expreso, informado e inequívoco, por finalidad; se registra el aviso mostrado.",
        "Consent is free, prior, express, informed and unequivocal, per purpose; the notice shown is recorded.",
    ),
    (
        "R-P3",
        "§5.1",
        "Cada evento de consentimiento es evidencia; revocar es tan fácil como consentir y surte efecto de inmediato.",
        "Every consent event is kept as evidence; revoking is as easy as consenting and takes effect at once.",
    ),
    (
        "R-P4",
        "§5.1",
        "Datos sensibles requieren consentimiento escrito o electrónico; menores de 14, el de sus padres.",
        "Sensitive data needs written or electronic consent; under 14, a parent's.",
    ),
    # §5.2 ARCO
    (
        "R-A1",
        "§5.2",
        "Cualquiera presenta una solicitud ARCO sin cuenta y la sigue con un código.",
        "Anyone files an ARCO request without an account and follows it with a code.",
    ),
    (
        "R-A2",
        "§5.2",
        "Plazos en días hábiles: información 8, acceso 20, los demás 10.",
        "Deadlines in business days: information 8, access 20, the others 10.",
    ),
    (
        "R-A3",
        "§5.2",
        "Una sola prórroga, justificada y comunicada antes del plazo (no para información).",
        "One extension only, justified and communicated before the deadline (not for information).",
    ),
    (
        "R-A4",
        "§5.2",
        "Solicitud incompleta: observaciones en 5 días hábiles; 5 días para subsanar o se archiva.",
        "Incomplete request: observations within 5 business days; 5 days to fix it or it is closed.",
    ),
    (
        "R-A5",
        "§5.2",
        "La denegatoria se registra con su causal y motivo.",
        "A refusal is recorded with its ground and reason.",
    ),
    (
        "R-A6",
        "§5.2",
        "La respuesta se envía al medio indicado y se registran el envío y la entrega.",
        "The response goes to the address given; sending and delivery are logged.",
    ),
    (
        "R-A7",
        "§5.2",
        "Cola por plazo para el Oficial; no se cierra sin respuesta; se indica cómo reclamar.",
        "The officer's queue by deadline; never closed without a response; how to complain is shown.",
    ),
    (
        "R-A8",
        "§5.2",
        "El derecho se ejecuta de verdad: exportar, rectificar, bloquear y anonimizar.",
        "The right is carried out for real: export, rectify, block and anonymize.",
    ),
    # §5.3 Retention
    (
        "R-T1",
        "§5.3",
        "Cada categoría de datos tiene su política de conservación (plazo, inicio, base legal, acción).",
        "Each data category has a retention policy (period, start, legal basis, action).",
    ),
    (
        "R-T2",
        "§5.3",
        "Un registro con retención legal no se borra ni anonimiza: se bloquea.",
        "A record under a legal hold is never deleted or anonymized: it is blocked.",
    ),
    (
        "R-T3",
        "§5.3",
        "La conservación corre como un proceso idempotente con simulación y registro de cada acción.",
        "Retention runs as one idempotent job with a dry run, each action logged.",
    ),
    (
        "R-T4",
        "§5.3",
        "Borrar datos personales nunca rompe los libros: montos, fechas y números quedan.",
        "Deleting personal data never breaks the books: amounts, dates and numbers stay.",
    ),
    # §5.4 Registers and security
    ("R-S1", "§5.4", "Registro de bancos de datos personales.", "Register of personal data banks."),
    (
        "R-S2",
        "§5.4",
        "Registro de encargados y de transferencias (incluidas las transfronterizas).",
        "Register of processors and of transfers (cross-border included).",
    ),
    (
        "R-S3",
        "§5.4",
        "Cada lectura de un registro sensible por el personal queda registrada (2 años).",
        "Every staff read of a sensitive record is logged (kept 2 years).",
    ),
    (
        "R-S4",
        "§5.4",
        "Incidentes de seguridad registrados; aviso a la Autoridad y a los afectados en 48 horas.",
        "Security incidents are recorded; the Authority and those affected are told within 48 hours.",
    ),
)
